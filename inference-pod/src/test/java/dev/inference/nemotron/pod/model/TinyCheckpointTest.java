package dev.inference.nemotron.pod.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.inference.nemotron.pod.tokenizer.Tokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TinyCheckpointTest {
  @TempDir Path dir;

  private static TinyCheckpointSpec spec(DType dtype, long seed, int shards, int loraRank) {
    return new TinyCheckpointSpec(
        32, 2, 48, 4, 2, 16, 400, dtype, seed, 16, 10000, 4, shards, loraRank, null);
  }

  @Test
  void writesACheckpointThatOpensWithTheTokenizersVocabulary() throws Exception {
    TinyCheckpoint.Written w = TinyCheckpoint.write(spec(DType.BF16, 1, 1, 0), dir);
    assertThat(dir.resolve("tokenizer.json")).isRegularFile();
    assertThat(dir.resolve("tokenizer_config.json")).isRegularFile();
    try (Checkpoint c = Checkpoint.open(dir)) {
      assertThat(c.config()).isEqualTo(w.config());
      assertThat(c.config().vocabSize()).isEqualTo(400);
      assertThat(c.weights().embedTokens().shape()).containsExactly(400, 32);
      assertThat(c.config().maskTokenId()).isEqualTo(100);
      assertThat(c.config().maxPositionEmbeddings()).isEqualTo(64);
      assertThat(c.config().rope().originalMaxPositionEmbeddings()).isEqualTo(16);
    }
    long onDisk = 0;
    for (Path f : w.files()) {
      onDisk += Files.size(f);
    }
    assertThat(w.bytes()).isEqualTo(onDisk);
    assertThat(w.parameters()).isEqualTo(WeightLayout.parameterCount(w.config()));
  }

  @Test
  void generationConfigAddsTheChatEndMarkerToConfigJsonsEos() throws Exception {
    TinyCheckpoint.Written w = TinyCheckpoint.write(spec(DType.BF16, 1, 1, 0), dir);
    Tokenizer tokenizer = Tokenizer.load(dir);
    int eos = tokenizer.eosTokenId().orElseThrow();
    int imEnd = tokenizer.tokenId("<|im_end|>").orElseThrow();
    assertThat(imEnd).isNotEqualTo(eos);
    JsonNode config = ConfigJson.JSON.readTree(dir.resolve("config.json").toFile());
    assertThat(config.get("eos_token_id").toString()).isEqualTo("[" + eos + "]");
    Path generation = dir.resolve("generation_config.json");
    assertThat(w.files()).contains(generation);
    assertThat(ConfigJson.JSON.readTree(generation.toFile()).get("eos_token_id").toString())
        .isEqualTo("[" + eos + "," + imEnd + "]");
    try (Checkpoint c = Checkpoint.open(dir)) {
      assertThat(c.config().eosTokenIds()).containsExactly(eos, imEnd);
    }
  }

  @Test
  void writesEveryConfigFieldOfModelMdSectionTwo() throws Exception {
    TinyCheckpoint.write(spec(DType.F32, 1, 1, 0), dir);
    JsonNode config = ConfigJson.JSON.readTree(dir.resolve("config.json").toFile());
    assertThat(config.get("model_type").asText()).isEqualTo("nemotron_labs_diffusion");
    assertThat(config.get("architectures").get(0).asText()).isEqualTo("NemotronLabsDiffusionModel");
    for (String field :
        new String[] {
          "hidden_size",
          "num_hidden_layers",
          "intermediate_size",
          "num_attention_heads",
          "num_key_value_heads",
          "head_dim",
          "vocab_size",
          "hidden_act",
          "rms_norm_eps",
          "attention_bias",
          "mlp_bias",
          "tie_word_embeddings",
          "max_position_embeddings",
          "mask_token_id",
          "block_size",
          "eos_token_id",
          "bos_token_id",
          "dlm_paradigm"
        }) {
      assertThat(config.has(field)).as(field).isTrue();
    }
    JsonNode rope = config.get("rope_parameters");
    assertThat(rope.get("rope_type").asText()).isEqualTo("yarn");
    assertThat(rope.get("original_max_position_embeddings").asInt()).isEqualTo(16);
    assertThat(rope.get("factor").asDouble()).isEqualTo(4.0);
    assertThat(rope.get("llama_4_scaling_beta").asDouble()).isEqualTo(0.1);
  }

  @Test
  void sameSeedWritesTheSameBytesAndAnotherSeedDifferentOnes() throws Exception {
    TinyCheckpoint.write(spec(DType.BF16, 5, 1, 0), dir.resolve("a"));
    TinyCheckpoint.write(spec(DType.BF16, 5, 1, 0), dir.resolve("b"));
    TinyCheckpoint.write(spec(DType.BF16, 6, 1, 0), dir.resolve("c"));
    Path a = dir.resolve("a/model.safetensors");
    assertThat(Files.mismatch(a, dir.resolve("b/model.safetensors"))).isEqualTo(-1);
    assertThat(Files.mismatch(a, dir.resolve("c/model.safetensors"))).isNotEqualTo(-1);
  }

  @Test
  void writesShardsAndADraftAdapterThatLoad() throws Exception {
    TinyCheckpoint.Written w = TinyCheckpoint.write(spec(DType.F16, 2, 4, 8), dir);
    assertThat(dir.resolve("model.safetensors")).doesNotExist();
    assertThat(dir.resolve("model-00004-of-00004.safetensors")).isRegularFile();
    try (Checkpoint c = Checkpoint.open(dir)) {
      assertThat(c.weights().layers().get(0).qProj().dtype()).isEqualTo(DType.F16);
      DraftAdapter adapter = c.draftAdapter().orElseThrow();
      assertThat(adapter.rank()).isEqualTo(8);
      assertThat(adapter.scale()).isEqualTo(4.0);
      assertThat(adapter.loraB().get(1).get(0)).isNotZero();
    }
    assertThat(w.files()).contains(dir.resolve("linear_spec_lora/adapter_config.json"));
  }

  @Test
  void rewritingADirectoryReplacesTheEarlierWeightsAndAdapter() throws Exception {
    TinyCheckpoint.write(spec(DType.BF16, 1, 1, 4), dir);
    TinyCheckpoint.write(spec(DType.F32, 2, 3, 0), dir);
    assertThat(dir.resolve("model.safetensors")).doesNotExist();
    assertThat(dir.resolve("linear_spec_lora")).doesNotExist();
    try (Checkpoint c = Checkpoint.open(dir)) {
      assertThat(c.weights().lmHead().dtype()).isEqualTo(DType.F32);
      assertThat(c.draftAdapter()).isEmpty();
    }
    TinyCheckpoint.write(spec(DType.BF16, 3, 1, 0), dir);
    assertThat(dir.resolve("model.safetensors.index.json")).doesNotExist();
    assertThat(dir.resolve("model-00001-of-00003.safetensors")).doesNotExist();
  }

  @Test
  void copiesARealTokenizerAndTakesItsVocabularySize() throws Exception {
    // Surefire sets ndd.shared.dir to <project root>/../shared, where the fixtures live.
    Path qwen3 =
        Path.of(System.getProperty("ndd.shared.dir", "../../shared"), "fixtures/tokenizers/qwen3");
    assertThat(qwen3.resolve("tokenizer.json")).as("shared tokenizer fixture").isRegularFile();
    TinyCheckpointSpec s =
        new TinyCheckpointSpec(8, 1, 16, 2, 1, 4, 0, DType.BF16, 1, 16, 1e6, 2, 1, 0, qwen3);
    TinyCheckpoint.write(s, dir);
    try (Checkpoint c = Checkpoint.open(dir)) {
      assertThat(c.config().vocabSize()).isEqualTo(151669); // highest added token 151668 + 1
      assertThat(c.config().eosTokenIds()).containsExactly(151645); // <|im_end|>
      assertThat(c.config().bosTokenId()).isEqualTo(-1);
      assertThat(c.config().maskTokenId()).isEqualTo(151656); // a special token text never yields
    }
    assertThat(Files.mismatch(dir.resolve("tokenizer.json"), qwen3.resolve("tokenizer.json")))
        .isEqualTo(-1);
  }

  @Test
  void specRejectsInconsistentSizes() {
    assertThatThrownBy(
            () ->
                new TinyCheckpointSpec(
                    32, 2, 48, 4, 3, 16, 400, DType.BF16, 1, 16, 1e4, 4, 1, 0, null))
        .hasMessage("kv-heads (3) must divide heads (4)");
    assertThatThrownBy(
            () ->
                new TinyCheckpointSpec(
                    32, 2, 48, 4, 2, 15, 400, DType.BF16, 1, 16, 1e4, 4, 1, 0, null))
        .hasMessage("head-dim must be even for RoPE, got 15");
    assertThatThrownBy(
            () ->
                new TinyCheckpointSpec(
                    32, 1, 48, 4, 2, 16, 400, DType.BF16, 1, 16, 1e4, 4, 13, 0, null))
        .hasMessage("shards (13) exceeds the 12 tensors: every shard needs one");
    assertThatThrownBy(
            () ->
                new TinyCheckpointSpec(
                    32, 1, 48, 4, 2, 16, 400, DType.BF16, 1, 16, 1e4, 0.5, 1, 0, null))
        .hasMessageStartingWith("rope-factor must be >= 1");
    assertThatThrownBy(
            () ->
                new TinyCheckpointSpec(
                    32, 1, 48, 4, 2, 16, 400, DType.BF16, 1, 16, 1e4, 4, 1, 0, dir))
        .hasMessageContaining("vocab comes from the tokenizer");
  }
}
