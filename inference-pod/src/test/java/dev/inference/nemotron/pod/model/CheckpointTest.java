package dev.inference.nemotron.pod.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {
  @TempDir Path dir;

  /** 2 layers, H 16, 4 heads of 8 (queryWidth 32 != H), 2 kv heads, I 24, vocab 40. */
  static ModelConfig smallConfig() {
    return new ModelConfig(
        16,
        2,
        24,
        4,
        2,
        8,
        40,
        1e-5,
        256,
        3,
        32,
        List.of(2),
        1,
        new RopeParameters("yarn", 10000, 4, 64, 32, 1, 1, 1, null, true, 0.1));
  }

  @Test
  void opensAGeneratedCheckpointAndExposesEveryTensorWithItsShape() throws Exception {
    ModelConfig config = smallConfig();
    RandomWeights.write(config, DType.BF16, 7, 1, 0, dir);
    try (Checkpoint c = Checkpoint.open(dir)) {
      assertThat(c.config()).isEqualTo(config);
      assertThat(c.directory()).isEqualTo(dir);
      assertThat(c.draftAdapter()).isEmpty();
      ModelWeights w = c.weights();
      assertThat(w.embedTokens().shape()).containsExactly(40, 16);
      assertThat(w.lmHead().shape()).containsExactly(40, 16);
      assertThat(w.finalNorm().shape()).containsExactly(16);
      assertThat(w.layers()).hasSize(2);
      LayerWeights l1 = w.layers().get(1);
      assertThat(l1.qProj().name()).isEqualTo("encoder.layers.1.self_attn.q_proj.weight");
      assertThat(l1.qProj().shape()).containsExactly(32, 16);
      assertThat(l1.kProj().shape()).containsExactly(16, 16);
      assertThat(l1.vProj().shape()).containsExactly(16, 16);
      assertThat(l1.oProj().shape()).containsExactly(16, 32);
      assertThat(l1.gateProj().shape()).containsExactly(24, 16);
      assertThat(l1.upProj().shape()).containsExactly(24, 16);
      assertThat(l1.downProj().shape()).containsExactly(16, 24);
      assertThat(l1.inputNorm().dtype()).isEqualTo(DType.BF16);
      // Norms near 1, projections scaled by 1/sqrt(fan_in): not degenerate, not exploding.
      assertThat(l1.postAttentionNorm().get(5)).isBetween(0.85f, 1.15f);
      double sumSquares = 0;
      for (long i = 0; i < l1.downProj().elementCount(); i++) {
        sumSquares += l1.downProj().get(i) * l1.downProj().get(i);
      }
      double std = Math.sqrt(sumSquares / l1.downProj().elementCount());
      assertThat(std).isBetween(0.8 / Math.sqrt(24), 1.2 / Math.sqrt(24));
    }
  }

  @Test
  void addsGenerationConfigEosIdsAfterConfigJsonsOnesEachOnce() throws Exception {
    RandomWeights.write(smallConfig(), DType.BF16, 7, 1, 0, dir);
    Path generation = dir.resolve("generation_config.json");
    Files.writeString(generation, "{\"eos_token_id\": [5, 2, 7, 5], \"bos_token_id\": 1}");
    try (Checkpoint c = Checkpoint.open(dir)) {
      assertThat(c.config().eosTokenIds()).containsExactly(2, 5, 7);
    }
    Files.writeString(generation, "{\"eos_token_id\": 9}");
    try (Checkpoint c = Checkpoint.open(dir)) {
      assertThat(c.config().eosTokenIds()).containsExactly(2, 9);
    }
    Files.writeString(generation, "{\"temperature\": 0.6}");
    try (Checkpoint c = Checkpoint.open(dir)) {
      assertThat(c.config().eosTokenIds()).containsExactly(2);
    }
  }

  @Test
  void rejectsAMalformedGenerationConfigNamingTheFile() throws Exception {
    RandomWeights.write(smallConfig(), DType.BF16, 7, 1, 0, dir);
    Path generation = dir.resolve("generation_config.json");
    Files.writeString(generation, "{\"eos_token_id\": ");
    assertThatThrownBy(() -> Checkpoint.open(dir))
        .isInstanceOf(CheckpointFormatException.class)
        .hasMessageStartingWith(generation + ": not valid JSON");
    Files.writeString(generation, "[2]");
    assertThatThrownBy(() -> Checkpoint.open(dir))
        .hasMessage(generation + ": expected a JSON object at the top level");
    Files.writeString(generation, "{\"eos_token_id\": [2, \"</s>\"]}");
    assertThatThrownBy(() -> Checkpoint.open(dir))
        .hasMessage(
            generation
                + ": eos_token_id must be an integer or a list of integers, got [2,\"</s>\"]");
    Files.writeString(generation, "{\"eos_token_id\": [2, 40]}");
    assertThatThrownBy(() -> Checkpoint.open(dir))
        .hasMessage(
            generation + ": eos_token_id 40 is outside the vocabulary [0, 40) of config.json");
  }

  @Test
  void shardedAndSingleFileCheckpointsHoldTheSameWeights() throws Exception {
    ModelConfig config = smallConfig();
    Path single = dir.resolve("single");
    Path sharded = dir.resolve("sharded");
    RandomWeights.write(config, DType.F16, 11, 1, 0, single);
    RandomWeights.Written written = RandomWeights.write(config, DType.F16, 11, 3, 0, sharded);
    assertThat(written.files())
        .extracting(p -> p.getFileName().toString())
        .contains(
            "model-00001-of-00003.safetensors",
            "model-00003-of-00003.safetensors",
            "model.safetensors.index.json");
    try (Checkpoint a = Checkpoint.open(single);
        Checkpoint b = Checkpoint.open(sharded)) {
      Tensor x = a.weights().layers().get(1).downProj();
      Tensor y = b.weights().layers().get(1).downProj();
      assertThat(y.data().mismatch(x.data())).isEqualTo(-1);
      assertThat(b.weights().lmHead().data().mismatch(a.weights().lmHead().data())).isEqualTo(-1);
    }
  }

  @Test
  void opensAShardedCheckpointGivenARelativePath() throws Exception {
    RandomWeights.write(smallConfig(), DType.BF16, 1, 2, 0, dir);
    Path relative = Path.of("").toAbsolutePath().relativize(dir);
    try (Checkpoint c = Checkpoint.open(relative)) {
      assertThat(c.weights().layers()).hasSize(2);
    }
  }

  @Test
  void reportsEveryMissingTensorNamingTheFile() throws Exception {
    ModelConfig config = smallConfig();
    RandomWeights.write(config, DType.F32, 1, 1, 0, dir);
    Path file = dir.resolve("model.safetensors");
    rewriteWithout(file, "encoder.layers.1.mlp.up_proj.weight", "diffusion_head.weight");
    assertThatThrownBy(() -> Checkpoint.open(dir))
        .isInstanceOf(CheckpointFormatException.class)
        .hasMessage(
            file
                + ": 2 of the 21 tensors the config implies are missing: "
                + "encoder.layers.1.mlp.up_proj.weight, diffusion_head.weight");
  }

  @Test
  void rejectsAShapeThatDisagreesWithTheConfig() throws Exception {
    ModelConfig config = smallConfig();
    RandomWeights.write(config, DType.F32, 1, 1, 0, dir);
    // The same weights read with one kv head instead of two: k_proj should be [8, 16].
    ModelConfig oneKvHead =
        new ModelConfig(16, 2, 24, 4, 1, 8, 40, 1e-5, 256, 3, 32, List.of(2), 1, config.rope());
    Files.writeString(dir.resolve("config.json"), ConfigJson.toJson(oneKvHead));
    assertThatThrownBy(() -> Checkpoint.open(dir))
        .hasMessage(
            dir.resolve("config.json")
                + ": num_key_value_heads*head_dim is 8, but"
                + " encoder.layers.0.self_attn.k_proj.weight in "
                + dir.resolve("model.safetensors")
                + " has shape [16, 16] (dimension 0 is 16): config.json and the weights disagree");
  }

  @Test
  void rejectsALaterLayersShapeNamingTheTensorAndTheConfigDimensions() throws Exception {
    RandomWeights.write(smallConfig(), DType.F32, 1, 1, 0, dir);
    Path file = dir.resolve("model.safetensors");
    String norm = "encoder.layers.1.input_layernorm.weight";
    rewriteWithout(file, norm);
    addTensors(file, norm);
    assertThatThrownBy(() -> Checkpoint.open(dir))
        .hasMessage(
            file
                + ": tensor "
                + norm
                + " has shape [2], expected [hidden_size=16] from config.json");
  }

  /** A hostile config.json: the layer count is bounded before the tensor list is built from it. */
  @Test
  void rejectsAHugeLayerCountBeforeSizingAnythingFromIt() throws Exception {
    RandomWeights.write(smallConfig(), DType.BF16, 1, 1, 0, dir);
    setConfigField("num_hidden_layers", 2147483647);
    assertThatThrownBy(() -> Checkpoint.open(dir))
        .isInstanceOf(CheckpointFormatException.class)
        .hasMessageStartingWith(
            dir.resolve("config.json")
                + ": num_hidden_layers is 2147483647, beyond the largest supported value 1024");
  }

  @Test
  void rejectsALayerCountTheTensorsDoNotHave() throws Exception {
    RandomWeights.write(smallConfig(), DType.BF16, 1, 1, 0, dir);
    setConfigField("num_hidden_layers", 1000);
    assertThatThrownBy(() -> Checkpoint.open(dir))
        .hasMessage(
            dir.resolve("config.json")
                + ": num_hidden_layers is 1000, but "
                + dir.resolve("model.safetensors")
                + " hold layers encoder.layers.0 .. encoder.layers.1 (2 distinct): config.json"
                + " and the weights disagree");
    setConfigField("num_hidden_layers", 1);
    assertThatThrownBy(() -> Checkpoint.open(dir))
        .hasMessageStartingWith(dir.resolve("config.json") + ": num_hidden_layers is 1, but ");
  }

  @Test
  void rejectsSizesTheTensorsDoNotHaveNamingTheField() throws Exception {
    RandomWeights.write(smallConfig(), DType.BF16, 1, 1, 0, dir);
    Path configFile = dir.resolve("config.json");
    String original = Files.readString(configFile);
    String[][] cases = {
      {"hidden_size", "1000", "encoder.embed_tokens.weight", "1", "16"},
      {"vocab_size", "8000000", "encoder.embed_tokens.weight", "0", "40"},
      {"intermediate_size", "200000", "encoder.layers.0.mlp.gate_proj.weight", "0", "24"},
      {"head_dim", "1000", "encoder.layers.0.self_attn.q_proj.weight", "0", "32"},
    };
    for (String[] c : cases) {
      Files.writeString(configFile, original);
      setConfigField(c[0], Integer.parseInt(c[1]));
      String field = c[0].equals("head_dim") ? "num_attention_heads*head_dim" : c[0];
      long expected = c[0].equals("head_dim") ? 4 * 1000 : Long.parseLong(c[1]);
      assertThatThrownBy(() -> Checkpoint.open(dir))
          .as(c[0])
          .hasMessageStartingWith(configFile + ": " + field + " is " + expected + ", but " + c[2])
          .hasMessageContaining("(dimension " + c[3] + " is " + c[4] + ")")
          .hasMessageEndingWith("config.json and the weights disagree");
    }
  }

  @Test
  void escapesControlCharactersOfTensorNamesInErrors() throws Exception {
    RandomWeights.write(smallConfig(), DType.F32, 1, 1, 0, dir);
    Path file = dir.resolve("model.safetensors");
    addTensors(file, "encoder.\u001b[2J\u001b[31mevil\ntensor");
    assertThatThrownBy(() -> Checkpoint.open(dir))
        .hasMessageEndingWith("encoder.\\u001b[2J\\u001b[31mevil\\ntensor")
        .satisfies(e -> assertThat(Printable.isPrintable(e.getMessage())).isTrue());
  }

  @Test
  void saysWhyAFileCannotBeReadInsteadOfPrintingItsPath() throws Exception {
    Path notADirectory = dir.resolve("file");
    Files.writeString(notADirectory, "x");
    assertThatThrownBy(() -> Checkpoint.open(notADirectory))
        .hasMessage(notADirectory + ": not a checkpoint directory (not a directory)");
    Path loop = Files.createSymbolicLink(dir.resolve("loop"), dir.resolve("loop"));
    assertThatThrownBy(() -> Checkpoint.open(loop))
        .hasMessageStartingWith("cannot access " + loop + ": too many levels of symbolic links");
    Files.createDirectory(dir.resolve("config.json"));
    assertThatThrownBy(() -> Checkpoint.open(dir))
        .hasMessage("cannot read " + dir.resolve("config.json") + ": is a directory");
  }

  @Test
  void saysPermissionDeniedForAnUnreadableConfig() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeFalse(
        "root".equals(System.getProperty("user.name")), "root reads every file");
    RandomWeights.write(smallConfig(), DType.BF16, 1, 1, 0, dir);
    Path configFile = dir.resolve("config.json");
    Files.setPosixFilePermissions(configFile, java.util.Set.of());
    assertThatThrownBy(() -> Checkpoint.open(dir))
        .hasMessage("cannot read " + configFile + ": permission denied");
  }

  private void setConfigField(String field, int value) throws Exception {
    Path configFile = dir.resolve("config.json");
    var root =
        (com.fasterxml.jackson.databind.node.ObjectNode)
            ConfigJson.JSON.readTree(Files.readString(configFile));
    root.put(field, value);
    Files.writeString(configFile, root.toString());
  }

  @Test
  void rejectsAnUnexpectedTensorButIgnoresRotaryBuffers() throws Exception {
    ModelConfig config = smallConfig();
    RandomWeights.write(config, DType.F32, 1, 1, 0, dir);
    Path file = dir.resolve("model.safetensors");
    addTensors(file, "encoder.layers.0.rotary_emb.inv_freq");
    try (Checkpoint c = Checkpoint.open(dir)) {
      assertThat(c.weights().layers()).hasSize(2);
    }
    addTensors(file, "encoder.layers.0.self_attn.q_proj.bias");
    assertThatThrownBy(() -> Checkpoint.open(dir))
        .hasMessageStartingWith(file + ": 1 tensor(s) that a 2-layer Nemotron-Labs-Diffusion")
        .hasMessageEndingWith("encoder.layers.0.self_attn.q_proj.bias");
  }

  @Test
  void rejectsAShardedCheckpointWithAMissingShardOrTensor() throws Exception {
    ModelConfig config = smallConfig();
    RandomWeights.write(config, DType.BF16, 1, 2, 0, dir);
    Path index = dir.resolve("model.safetensors.index.json");
    Path shard2 = dir.resolve("model-00002-of-00002.safetensors");
    rewriteWithout(shard2, "encoder.norm.weight");
    assertThatThrownBy(() -> Checkpoint.open(dir))
        .hasMessage(
            index
                + " lists tensor encoder.norm.weight in model-00002-of-00002.safetensors, but "
                + shard2
                + " has no such tensor");
    Files.delete(shard2);
    assertThatThrownBy(() -> Checkpoint.open(dir))
        .hasMessageStartingWith(index + ": shard model-00002-of-00002.safetensors (holding ")
        .hasMessageEndingWith(") does not exist");
  }

  @Test
  void acceptsMixedDtypesButNamesATensorInAnUnsupportedOne() throws Exception {
    ModelConfig config = smallConfig();
    RandomWeights.write(config, DType.BF16, 1, 1, 0, dir);
    Path file = dir.resolve("model.safetensors");
    String norm = "encoder.norm.weight";
    replaceTensor(file, norm, "F32");
    try (Checkpoint c = Checkpoint.open(dir)) {
      assertThat(c.weights().finalNorm().dtype()).isEqualTo(DType.F32);
      assertThat(c.weights().lmHead().dtype()).isEqualTo(DType.BF16);
    }
    replaceTensor(file, norm, "I32");
    assertThatThrownBy(() -> Checkpoint.open(dir))
        .hasMessage(
            file
                + ": tensor "
                + norm
                + ": unsupported dtype I32 (supported: BF16, F16, F32, I8, U8, F8_E4M3)");
  }

  @Test
  void rejectsAnIndexThatPointsOutsideTheCheckpoint() throws Exception {
    RandomWeights.write(smallConfig(), DType.BF16, 1, 2, 0, dir);
    Path index = dir.resolve("model.safetensors.index.json");
    Files.writeString(
        index,
        Files.readString(index)
            .replace(
                "\"model-00001-of-00002.safetensors\"", "\"../model-00001-of-00002.safetensors\""));
    assertThatThrownBy(() -> Checkpoint.open(dir))
        .hasMessageContaining(
            "names ../model-00001-of-00002.safetensors, expected a file directly inside " + dir);
    Files.writeString(index, "{\"metadata\": {}}");
    assertThatThrownBy(() -> Checkpoint.open(dir))
        .hasMessage(
            index + ": weight_map is required: an object mapping tensor names to shard files");
  }

  /** Rewrites {@code name} (1-D, F32-sized values) in a 4-byte dtype given by its header name. */
  private static void replaceTensor(Path file, String name, String dtype) throws Exception {
    Path copy = file.resolveSibling("replaced.safetensors");
    try (Arena arena = Arena.ofConfined()) {
      SafetensorsFile f = SafetensorsFile.map(file, arena);
      SafetensorsWriter writer = new SafetensorsWriter();
      long[] shape = f.shape(name);
      for (String n : f.names()) {
        if (!n.equals(name)) {
          writer.add(f.tensor(n));
        }
      }
      writer.add(
          name,
          DType.F32,
          shape,
          (first, block, count) -> java.util.Arrays.fill(block, 0, count, 1f));
      writer.write(copy);
    }
    if (!dtype.equals("F32")) {
      // The writer only emits supported dtypes: relabel the header in place (same length).
      byte[] bytes = Files.readAllBytes(copy);
      String text = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
      int at = text.indexOf("\"" + name + "\":{\"dtype\":\"F32\"");
      int dtypeAt = text.indexOf("F32", at);
      byte[] label = dtype.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      System.arraycopy(label, 0, bytes, dtypeAt, label.length);
      Files.write(copy, bytes);
    }
    Files.move(copy, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }

  @Test
  void namesTheMissingPiecesOfADirectory() throws Exception {
    assertThatThrownBy(() -> Checkpoint.open(dir.resolve("nope")))
        .hasMessage(dir.resolve("nope") + ": not a checkpoint directory (does not exist)");
    assertThatThrownBy(() -> Checkpoint.open(dir))
        .hasMessage(dir.resolve("config.json") + ": not found (a checkpoint needs config.json)");
    Files.writeString(dir.resolve("config.json"), ConfigJson.toJson(smallConfig()));
    assertThatThrownBy(() -> Checkpoint.open(dir))
        .hasMessage(
            dir + ": no weights: expected model.safetensors or model.safetensors.index.json");
  }

  /** Rewrites a safetensors file keeping every tensor but {@code dropped}. */
  static void rewriteWithout(Path file, String... dropped) throws Exception {
    rewrite(file, List.of(dropped), List.of());
  }

  /** Rewrites a safetensors file with extra small F32 tensors. */
  static void addTensors(Path file, String... added) throws Exception {
    rewrite(file, List.of(), List.of(added));
  }

  private static void rewrite(Path file, List<String> dropped, List<String> added)
      throws Exception {
    Path copy = file.resolveSibling(file.getFileName() + ".new");
    try (Arena arena = Arena.ofConfined()) {
      SafetensorsFile f = SafetensorsFile.map(file, arena);
      SafetensorsWriter writer = new SafetensorsWriter();
      for (String name : f.names()) {
        if (!dropped.contains(name)) {
          writer.add(f.tensor(name));
        }
      }
      for (String name : added) {
        writer.add(name, DType.F32, new float[] {1, 2}, 2);
      }
      writer.write(copy);
    }
    Files.move(copy, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }
}
