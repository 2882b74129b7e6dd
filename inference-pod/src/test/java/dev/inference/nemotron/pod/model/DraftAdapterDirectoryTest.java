package dev.inference.nemotron.pod.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DraftAdapterDirectoryTest {
  @TempDir Path dir;
  private final Arena arena = Arena.ofShared();
  private final ModelConfig config = CheckpointTest.smallConfig(); // H 16, q width 32, 2 layers

  @AfterEach
  void unmap() {
    arena.close();
  }

  private Path adapter(String config, int rank, String nameA, String nameB, long[] shapeB)
      throws Exception {
    Path lora = Files.createDirectories(dir.resolve("linear_spec_lora"));
    Files.writeString(lora.resolve("adapter_config.json"), config);
    SafetensorsWriter writer = new SafetensorsWriter();
    for (int l = 0; l < 2; l++) {
      writer.add(nameA.formatted(l), DType.BF16, new long[] {rank, 32}, (f, b, n) -> {});
      writer.add(
          nameB.formatted(l), DType.F32, shapeB, (f, b, n) -> java.util.Arrays.fill(b, 0, n, 0.5f));
    }
    writer.write(lora.resolve("adapter_model.safetensors"));
    return lora;
  }

  private static String adapterConfig(int r, int alpha, String modules) {
    return "{\"peft_type\":\"LORA\",\"r\":%d,\"lora_alpha\":%d,\"target_modules\":%s}"
        .formatted(r, alpha, modules);
  }

  @Test
  void checkpointLoadsTheGeneratedAdapterUnlessAskedNotTo() throws Exception {
    RandomWeights.write(config, DType.BF16, 3, 1, 4, dir);
    try (Checkpoint c = Checkpoint.open(dir)) {
      DraftAdapter a = c.draftAdapter().orElseThrow();
      assertThat(a.rank()).isEqualTo(4);
      assertThat(a.scale()).isEqualTo(4.0); // lora_alpha 16 / r 4
      assertThat(a.loraA()).hasSize(2);
      assertThat(a.loraA().get(1).shape()).containsExactly(4, 32);
      assertThat(a.loraB().get(1).shape()).containsExactly(16, 4);
      assertThat(a.loraB().get(1).name())
          .isEqualTo("base_model.model.encoder.layers.1.self_attn.o_proj.lora_B.weight");
    }
    try (Checkpoint c = Checkpoint.open(dir, false)) {
      assertThat(c.draftAdapter()).isEmpty();
    }
  }

  @Test
  void acceptsThePrefixAndAdapterNameVariantsPeftWrites() throws Exception {
    Path lora =
        adapter(
            adapterConfig(8, 32, "\"o_proj\""),
            8,
            "base_model.model.model.encoder.layers.%d.self_attn.o_proj.lora_A.default.weight",
            "encoder.layers.%d.self_attn.o_proj.lora_B.weight",
            new long[] {16, 8});
    DraftAdapter a = DraftAdapterDirectory.read(lora, config, arena);
    assertThat(a.scale()).isEqualTo(4.0);
    assertThat(a.loraB().get(0).get(3)).isEqualTo(0.5f);
  }

  @Test
  void scalesByAlphaOverSqrtRankForRsLora() throws Exception {
    Path lora =
        adapter(
            "{\"r\":4,\"lora_alpha\":8,\"target_modules\":[\"o_proj\"],\"use_rslora\":true}",
            4,
            DraftAdapterDirectory.tensorName(9, 'A').replace("9", "%d"),
            DraftAdapterDirectory.tensorName(9, 'B').replace("9", "%d"),
            new long[] {16, 4});
    assertThat(DraftAdapterDirectory.read(lora, config, arena).scale()).isEqualTo(4.0);
  }

  @Test
  void rejectsABShapeThatDoesNotMatchTheModel() throws Exception {
    Path lora =
        adapter(
            adapterConfig(4, 16, "[\"o_proj\"]"),
            4,
            DraftAdapterDirectory.tensorName(9, 'A').replace("9", "%d"),
            DraftAdapterDirectory.tensorName(9, 'B').replace("9", "%d"),
            new long[] {32, 4});
    assertThatThrownBy(() -> DraftAdapterDirectory.read(lora, config, arena))
        .hasMessage(
            lora.resolve("adapter_model.safetensors")
                + ": tensor base_model.model.encoder.layers.0.self_attn.o_proj.lora_B.weight has"
                + " shape [32, 4], expected [hidden_size=16, r=4]");
  }

  @Test
  void rejectsARankThatDisagreesWithAdapterConfig() throws Exception {
    Path lora =
        adapter(
            adapterConfig(8, 16, "[\"o_proj\"]"),
            4,
            DraftAdapterDirectory.tensorName(9, 'A').replace("9", "%d"),
            DraftAdapterDirectory.tensorName(9, 'B').replace("9", "%d"),
            new long[] {16, 4});
    assertThatThrownBy(() -> DraftAdapterDirectory.read(lora, config, arena))
        .hasMessageEndingWith("lora_A.weight has shape [4, 32], expected [r=8, heads*head_dim=32]");
  }

  @Test
  void rejectsAnAdapterConfigWithoutOProjOrWithOtherModules() throws Exception {
    String a = DraftAdapterDirectory.tensorName(9, 'A').replace("9", "%d");
    String b = DraftAdapterDirectory.tensorName(9, 'B').replace("9", "%d");
    Path lora = adapter(adapterConfig(4, 16, "[\"q_proj\"]"), 4, a, b, new long[] {16, 4});
    Path configFile = lora.resolve("adapter_config.json");
    assertThatThrownBy(() -> DraftAdapterDirectory.read(lora, config, arena))
        .hasMessage(
            configFile
                + ": target_modules must contain o_proj (the draft LoRA's module), got [\"q_proj\"]");
    Files.writeString(configFile, adapterConfig(4, 16, "[\"o_proj\",\"v_proj\"]"));
    assertThatThrownBy(() -> DraftAdapterDirectory.read(lora, config, arena))
        .hasMessageContaining("adapts more than o_proj");
    Files.writeString(configFile, "{\"r\":0,\"lora_alpha\":16,\"target_modules\":[\"o_proj\"]}");
    assertThatThrownBy(() -> DraftAdapterDirectory.read(lora, config, arena))
        .hasMessage(configFile + ": r must be a positive integer, got 0");
  }

  @Test
  void rejectsAMissingLayerAndForeignTensors() throws Exception {
    Path lora =
        adapter(
            adapterConfig(4, 16, "[\"o_proj\"]"),
            4,
            DraftAdapterDirectory.tensorName(9, 'A').replace("9", "%d"),
            "base_model.model.encoder.layers.%d.self_attn.q_proj.lora_B.weight",
            new long[] {16, 4});
    assertThatThrownBy(() -> DraftAdapterDirectory.read(lora, config, arena))
        .hasMessageContaining(
            "tensor base_model.model.encoder.layers.0.self_attn.q_proj.lora_B.weight is not an"
                + " o_proj lora_A/lora_B weight");
    Path onlyA = dir.resolve("only-a");
    Files.createDirectories(onlyA);
    Files.copy(lora.resolve("adapter_config.json"), onlyA.resolve("adapter_config.json"));
    SafetensorsWriter writer = new SafetensorsWriter();
    for (int l = 0; l < 2; l++) {
      writer.add(
          DraftAdapterDirectory.tensorName(l, 'A'), DType.F32, new long[] {4, 32}, (f, x, n) -> {});
    }
    writer.add(
        DraftAdapterDirectory.tensorName(0, 'B'), DType.F32, new long[] {16, 4}, (f, x, n) -> {});
    writer.write(onlyA.resolve("adapter_model.safetensors"));
    assertThatThrownBy(() -> DraftAdapterDirectory.read(onlyA, config, arena))
        .hasMessage(
            onlyA.resolve("adapter_model.safetensors")
                + ": layer 1 has no lora_B tensor (expected "
                + DraftAdapterDirectory.tensorName(1, 'B')
                + ")");
  }
}
