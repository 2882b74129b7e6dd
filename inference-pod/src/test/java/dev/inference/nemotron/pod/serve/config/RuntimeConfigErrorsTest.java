package dev.inference.nemotron.pod.serve.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Bad runtime.yaml files: each error names the file and the key path, and says what is allowed. */
class RuntimeConfigErrorsTest {

  @TempDir Path dir;

  private static final String MODEL = "model: {path: /m}\n";

  static Stream<Arguments> badFiles() {
    return Stream.of(
        Arguments.of("", "the file is empty"),
        Arguments.of("model: [", "not valid YAML"),
        Arguments.of("- a\n- b\n", "expected a mapping (key: value lines) at the top level"),
        Arguments.of("quantization: bf16\n", "missing required key model"),
        Arguments.of(
            "model: {pth: /m}\n", "missing required key model.path (the keys here are pth)"),
        Arguments.of("model: {path: /m\n", "not valid YAML: while parsing a flow mapping"),
        Arguments.of("model: /models\n", "model: must be a mapping (key: value), got the string"),
        Arguments.of(MODEL + "replicas: 3\n", "unknown key replicas; the keys here are model,"),
        Arguments.of(
            MODEL + "modes: {mix: {autoregresive: 100}}\n",
            "unknown key modes.mix.autoregresive; the keys here are autoregressive, diffusion,"
                + " selfSpeculation"),
        Arguments.of(
            MODEL + "modes: {mix: {autoregressive: 20, diffusion: 30, selfSpeculation: 40}}\n",
            "modes.mix: shares must sum to 100, got 90"),
        Arguments.of(
            MODEL + "modes: {mix: {autoregressive: '100'}}\n",
            "modes.mix.autoregressive: must be an integer, got the string '100'"),
        Arguments.of(
            MODEL + "modes: {mix: {autoregressive: 120, diffusion: -20}}\n",
            "modes.mix: autoregressive must be between 0 and 100, got 120"),
        Arguments.of(
            MODEL + "quantization: fp4\n",
            "quantization: must be one of bf16, fp8, int8, int4, got 'fp4'"),
        Arguments.of(MODEL + "quantization: 8\n", "quantization: must be a string, got 8"),
        Arguments.of(MODEL + "device: {class: V100}\n", "device: class must be one of H100,"),
        Arguments.of(
            MODEL + "device: {class: H100, count: 0}\n",
            "device: count must be >= 1 for GPU class H100, got 0"),
        Arguments.of(MODEL + "device: {count: 1}\n", "missing required key device.class"),
        Arguments.of(
            MODEL + "maxContextLength: 8\n", "maxContextLength must be between 16 and 1048576"),
        Arguments.of(
            MODEL + "maxContextLength: 1.5\n", "maxContextLength: must be an integer, got 1.5"),
        Arguments.of(
            MODEL + "maxContextLength: 99999999999\n",
            "maxContextLength: must be at most 2147483647, got 99999999999"),
        Arguments.of(
            MODEL + "maxConcurrentSequences: 0\n",
            "maxConcurrentSequences must be between 1 and 1024, got 0"),
        Arguments.of(
            MODEL + "modes: {diffusion: {threshold: 0}}\n",
            "modes.diffusion: threshold must be greater than 0 and at most 1, got 0.0"),
        Arguments.of(
            MODEL + "modes: {diffusion: {threshold: high}}\n",
            "modes.diffusion.threshold: must be a number, got the string 'high'"),
        Arguments.of(
            MODEL + "modes: {diffusion: {blockSize: 1}}\n",
            "modes.diffusion: blockSize must be between 2 and 128, got 1"),
        Arguments.of(
            MODEL + "modes: {selfSpeculation: {variant: cubic}}\n",
            "modes.selfSpeculation.variant: must be linear or quadratic, got 'cubic'"),
        Arguments.of(
            MODEL + "modes: {selfSpeculation: {variant: quadratic, blockSize: 64}}\n",
            "modes.selfSpeculation: blockSize must be at most 32 for the quadratic variant, got 64;"
                + " use the linear variant"),
        Arguments.of(MODEL + "tenants: {name: a}\n", "tenants: must be a list, got a mapping"),
        Arguments.of(MODEL + "tenants: [a]\n", "tenants[0]: must be a mapping"),
        Arguments.of(
            MODEL + "tenants: [{name: a}]\n", "missing required key tenants[0].apiKeyFile"),
        Arguments.of(
            MODEL + "tenants: [{name: Search, apiKeyFile: /k}]\n",
            "tenants[0]: name must be a DNS label"),
        Arguments.of(
            MODEL + "tenants: [{name: a, apiKeyFile: /k}, {name: a, apiKeyFile: /k2}]\n",
            "tenants: the name 'a' appears more than once"),
        Arguments.of(
            MODEL + "tenants: [{name: a, apiKeyFile: /k, weight: 0}]\n",
            "tenants[0]: weight must be between 1 and 1000, got 0"),
        Arguments.of(
            MODEL + "tenants: [{name: a, apiKeyFile: /k, tokensPerMinute: 0}]\n",
            "tenants[0]: tokensPerMinute must be >= 1"),
        Arguments.of(
            MODEL + "tenants: [{name: a, apiKeyFile: /k, maxConcurrentRequests: 0}]\n",
            "tenants[0]: maxConcurrentRequests must be between 1 and 100000"),
        Arguments.of(
            MODEL + "tenants: [{name: a, apiKeyFile: /k, apiKey: hunter2}]\n",
            "unknown key tenants[0].apiKey"),
        Arguments.of(
            MODEL + "server: {port: 70000}\n",
            "server: port must be between 1 and 65535, got 70000"),
        Arguments.of(
            MODEL + "server: {maxBodyBytes: 10}\n", "server: maxBodyBytes must be between 1024"),
        Arguments.of(MODEL + "server: {hots: x}\n", "unknown key server.hots"),
        Arguments.of(
            MODEL + "quantization: bf16\nquantization: fp8\n", "Duplicate field 'quantization'"),
        Arguments.of(
            "model: {path: /m, size: 7B}\n", "model: size must be one of 3B, 8B, 14B, got '7B'"),
        Arguments.of(
            "model: {path: /m, variant: chat}\n", "model: variant must be one of base, instruct"),
        Arguments.of(
            "model: {path: /m, draftAdapter: ../lora}\n",
            "model: draftAdapter must be a folder inside the model directory"));
  }

  @ParameterizedTest(name = "[{index}] {1}")
  @MethodSource("badFiles")
  void namesTheFileAndTheKey(String yaml, String fragment) throws IOException {
    Path file = Files.writeString(dir.resolve("runtime.yaml"), yaml);

    assertThatThrownBy(() -> RuntimeConfig.load(file))
        .isInstanceOfSatisfying(
            InvalidConfigException.class,
            e -> {
              assertThat(e.getMessage()).startsWith(file + ": ").contains(fragment);
              assertThat(e.file()).isEqualTo(file);
            });
  }

  @Test
  void unknownKeysNeverEchoTheirValues() throws IOException {
    Path file =
        Files.writeString(
            dir.resolve("runtime.yaml"),
            MODEL + "tenants: [{name: a, apiKeyFile: /k, apiKey: sk-very-secret}]\n");

    assertThatThrownBy(() -> RuntimeConfig.load(file)).hasMessageNotContaining("sk-very-secret");
  }

  @Test
  void aMissingFileSaysWhereItShouldComeFrom() {
    Path file = dir.resolve("absent.yaml");

    assertThatThrownBy(() -> RuntimeConfig.load(file))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageStartingWith(file + ": not found")
        .hasMessageContaining("--config");
  }
}
