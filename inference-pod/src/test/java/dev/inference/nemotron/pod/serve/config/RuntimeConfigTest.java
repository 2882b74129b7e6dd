package dev.inference.nemotron.pod.serve.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuntimeConfigTest {

  @TempDir Path dir;

  /**
   * The resource is a copy of what the operator's DesiredConfigMap.document() writes (see its
   * header); a cross-module contract test will render the operator's document directly.
   */
  @Test
  void servedNameIsTheModelNameClientsUse(@org.junit.jupiter.api.io.TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("runtime.yaml");
    java.nio.file.Files.writeString(file, "model: {path: /models/abc, servedName: chat-8b}\n");
    assertThat(RuntimeConfig.load(file).model().name()).isEqualTo("chat-8b");
    java.nio.file.Files.writeString(file, "model: {path: /models/abc, servedName: 'a b'}\n");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> RuntimeConfig.load(file))
        .hasMessageContaining("servedName");
  }

  @Test
  void readsTheDocumentTheOperatorWrites() throws IOException, URISyntaxException {
    Path file = Path.of(getClass().getResource("/serve/config/operator-runtime.yaml").toURI());

    RuntimeConfig config = RuntimeConfig.load(file);

    assertThat(config.model())
        .isEqualTo(
            new ModelSection(
                Optional.of("8B"),
                Optional.of("instruct"),
                Path.of("/models/3c1f0e9a2b"),
                Optional.of("hf://nvidia/Nemotron-Labs-Diffusion-8B"),
                Optional.of("main"),
                Optional.of("linear_spec_lora"),
                Optional.of("chat-8b")));
    assertThat(config.model().name()).isEqualTo("chat-8b");
    assertThat(config.model().draftAdapterDir())
        .contains(Path.of("/models/3c1f0e9a2b/linear_spec_lora"));
    assertThat(config.quantization()).isEqualTo(Quantization.BF16);
    assertThat(config.device()).isEqualTo(new DeviceSettings("H100", 1));
    assertThat(config.maxContextLength()).isEqualTo(8192);
    assertThat(config.maxConcurrentSequences()).isEqualTo(8);
    assertThat(config.modes().mix()).isEqualTo(new ModeMix(20, 30, 50));
    assertThat(config.modes().diffusion()).isEqualTo(new DiffusionSettings(32, 0.9));
    assertThat(config.modes().selfSpeculation())
        .isEqualTo(new SpeculationSettings(32, SpeculationSettings.Variant.LINEAR));
    assertThat(config.tenants())
        .containsExactly(
            new TenantConfig(
                "search",
                Path.of("/var/run/secrets/nemotron/tenants/search"),
                OptionalLong.of(200_000),
                OptionalInt.of(16),
                2),
            new TenantConfig(
                "batch-jobs",
                Path.of("/var/run/secrets/nemotron/tenants/batch-jobs"),
                OptionalLong.empty(),
                OptionalInt.empty(),
                1));
    assertThat(config.server()).isEqualTo(ServerSettings.DEFAULTS);
  }

  @Test
  void readsTheOperatorsCpuDocumentWithNoTenants() {
    RuntimeConfig config =
        parse(
            """
            model:
              size: 3B
              variant: base
              path: /models
              source: file:///models
            quantization: int8
            device:
              class: CPU
              count: 0
            maxContextLength: 2048
            maxConcurrentSequences: 2
            modes:
              mix:
                autoregressive: 100
                diffusion: 0
                selfSpeculation: 0
              diffusion:
                blockSize: 8
                threshold: 1.0
              selfSpeculation:
                blockSize: 16
                variant: quadratic
            tenants: []
            server:
              port: 8080
            """);

    assertThat(config.device().isCpu()).isTrue();
    assertThat(config.quantization()).isEqualTo(Quantization.INT8);
    assertThat(config.model().revision()).isEmpty();
    assertThat(config.model().draftAdapter()).isEmpty();
    assertThat(config.modes().mix()).isEqualTo(ModeMix.only(RequestMode.AUTOREGRESSIVE));
    assertThat(config.modes().diffusion().threshold()).isEqualTo(1.0);
    assertThat(config.modes().selfSpeculation().variant())
        .isEqualTo(SpeculationSettings.Variant.QUADRATIC);
    assertThat(config.tenants()).isEmpty();
  }

  @Test
  void aFileWithOnlyTheModelPathGetsTheOperatorsDefaults() {
    RuntimeConfig config = parse("model: {path: /models/tiny}\n");

    assertThat(config).isEqualTo(RuntimeConfig.defaults(Path.of("/models/tiny")));
  }

  @Test
  void defaultsSelfSpeculateEveryRequestOnTheCpuWithAnOpenApi() {
    RuntimeConfig config = RuntimeConfig.defaults(Path.of("/m"));

    assertThat(config.model()).isEqualTo(ModelSection.at(Path.of("/m")));
    assertThat(config.modes().mix()).isEqualTo(new ModeMix(0, 0, 100));
    assertThat(config.modes().diffusion()).isEqualTo(new DiffusionSettings(32, 0.9));
    assertThat(config.modes().selfSpeculation())
        .isEqualTo(new SpeculationSettings(32, SpeculationSettings.Variant.LINEAR));
    assertThat(config.quantization()).isEqualTo(Quantization.BF16);
    assertThat(config.device()).isEqualTo(DeviceSettings.cpu());
    assertThat(config.maxContextLength()).isEqualTo(8192);
    assertThat(config.maxConcurrentSequences()).isEqualTo(8);
    assertThat(config.tenants()).isEmpty();
  }

  @Test
  void serverTunablesHaveDefaultsAndMayBeSet() {
    assertThat(ServerSettings.DEFAULTS)
        .isEqualTo(new ServerSettings(8080, "0.0.0.0", 64, 1 << 20, 600, 50, 64, 256));

    RuntimeConfig config =
        parse(
            """
            model: {path: /m}
            server: {port: 9000, host: 127.0.0.1, maxQueuedRequests: 4, maxBodyBytes: 4096,
                     requestTimeoutSeconds: 30, drainSeconds: 5, maxBatchRows: 128, prefillChunk: 64}
            """);

    assertThat(config.server())
        .isEqualTo(new ServerSettings(9000, "127.0.0.1", 4, 4096, 30, 5, 128, 64));
  }

  @Test
  void relativePathsAreTakenFromTheFilesDirectory() {
    RuntimeConfig config =
        parse(
            """
            model: {path: models/tiny}
            tenants: [{name: dev, apiKeyFile: keys/dev}]
            """);

    assertThat(config.model().path()).isEqualTo(dir.resolve("models/tiny"));
    assertThat(config.tenants().getFirst().apiKeyFile()).isEqualTo(dir.resolve("keys/dev"));
  }

  @Test
  void aMissingDeviceCountIsOneForAGpuAndZeroForTheCpu() {
    assertThat(parse("model: {path: /m}\ndevice: {class: L4}\n").device().count()).isEqualTo(1);
    assertThat(parse("model: {path: /m}\ndevice: {class: CPU}\n").device().count()).isZero();
  }

  @Test
  void aPartialMixDefaultsTheRestToZero() {
    assertThat(
            parse("model: {path: /m}\nmodes: {mix: {autoregressive: 40, diffusion: 60}}\n")
                .modes()
                .mix())
        .isEqualTo(new ModeMix(40, 60, 0));
  }

  @Test
  void restartKeysNameWhatALiveReloadCannotApply() {
    RuntimeConfig base = RuntimeConfig.defaults(Path.of("/m"));
    RuntimeConfig changed =
        new RuntimeConfig(
            ModelSection.at(Path.of("/other")),
            Quantization.INT4,
            new DeviceSettings("H100", 2),
            4096,
            4,
            new ModesSettings(
                ModeMix.only(RequestMode.DIFFUSION),
                DiffusionSettings.DEFAULTS,
                SpeculationSettings.DEFAULTS),
            List.of(),
            ServerSettings.DEFAULTS.withPort(9090));

    assertThat(base.restartKeys(changed))
        .containsExactly(
            "model",
            "quantization",
            "device",
            "maxContextLength",
            "maxConcurrentSequences",
            "server");
    assertThat(base.restartKeys(base)).isEmpty();
    RuntimeConfig live = base.withLiveSettingsOf(changed);
    assertThat(live.modes().mix()).isEqualTo(ModeMix.only(RequestMode.DIFFUSION));
    assertThat(live.model()).isEqualTo(base.model());
    assertThat(live.server()).isEqualTo(base.server());
  }

  private RuntimeConfig parse(String yaml) {
    return RuntimeConfig.parse(yaml.getBytes(StandardCharsets.UTF_8), dir.resolve("runtime.yaml"));
  }

  @Test
  void loadReadsTheFile() throws IOException {
    Path file = Files.writeString(dir.resolve("runtime.yaml"), "model: {path: /m}\n");

    assertThat(RuntimeConfig.load(file).model().path()).isEqualTo(Path.of("/m"));
  }
}
