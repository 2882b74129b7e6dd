package dev.inference.nemotron.pod.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigJsonTest {

  /** The 14B config of MODEL.md §2, in the current rope_parameters spelling. */
  static final String FOURTEEN_B =
      """
      {
        "model_type": "nemotron_labs_diffusion",
        "architectures": ["NemotronLabsDiffusionModel"],
        "auto_map": {"AutoModel": "modeling.NemotronLabsDiffusionModel"},
        "hidden_size": 5120, "num_hidden_layers": 40, "intermediate_size": 16384,
        "num_attention_heads": 32, "num_key_value_heads": 8, "head_dim": 128,
        "vocab_size": 131072, "hidden_act": "silu", "rms_norm_eps": 1e-05,
        "attention_bias": false, "mlp_bias": false, "tie_word_embeddings": false,
        "max_position_embeddings": 262144, "mask_token_id": 100, "block_size": 32,
        "eos_token_id": 11, "bos_token_id": 1, "dlm_paradigm": "bidirectional",
        "torch_dtype": "bfloat16",
        "rope_parameters": {
          "rope_type": "yarn", "rope_theta": 1000000000.0, "factor": 16.0,
          "original_max_position_embeddings": 16384, "beta_fast": 32.0, "beta_slow": 1.0,
          "mscale": 1.0, "mscale_all_dim": 1.0, "llama_4_scaling_beta": 0.1
        }
      }
      """;

  private static ModelConfig parse(String json) throws CheckpointFormatException {
    return ConfigJson.parse(json, "/ckpt/config.json");
  }

  private static String with(String field, String jsonValue) throws Exception {
    ObjectNode root = (ObjectNode) ConfigJson.JSON.readTree(FOURTEEN_B);
    if (jsonValue == null) {
      root.remove(field);
    } else {
      root.set(field, ConfigJson.JSON.readTree(jsonValue));
    }
    return root.toString();
  }

  @Test
  void readsEveryFieldOfTheFourteenBConfigWithRopeParameters() throws Exception {
    ModelConfig c = parse(FOURTEEN_B);
    assertThat(c.hiddenSize()).isEqualTo(5120);
    assertThat(c.numHiddenLayers()).isEqualTo(40);
    assertThat(c.intermediateSize()).isEqualTo(16384);
    assertThat(c.numAttentionHeads()).isEqualTo(32);
    assertThat(c.numKeyValueHeads()).isEqualTo(8);
    assertThat(c.headDim()).isEqualTo(128).isNotEqualTo(c.hiddenSize() / c.numAttentionHeads());
    assertThat(c.vocabSize()).isEqualTo(131072);
    assertThat(c.rmsNormEps()).isEqualTo(1e-5);
    assertThat(c.maxPositionEmbeddings()).isEqualTo(262144);
    assertThat(c.maskTokenId()).isEqualTo(100);
    assertThat(c.blockSize()).isEqualTo(32);
    assertThat(c.eosTokenIds()).containsExactly(11);
    assertThat(c.bosTokenId()).isEqualTo(1);
    assertThat(c.rope())
        .isEqualTo(
            new RopeParameters("yarn", 1e9, 16.0, 16384, 32.0, 1.0, 1.0, 1.0, null, true, 0.1));
  }

  @Test
  void readsTheOlderRopeScalingAndRopeThetaSpelling() throws Exception {
    String json =
        with("rope_parameters", null)
            .replace(
                "\"hidden_size\"",
                """
                "rope_theta": 1000000.0,
                "rope_scaling": {"type": "yarn", "factor": 8.0,
                  "original_max_position_embeddings": 4096, "beta_fast": 16, "beta_slow": 2,
                  "mscale": 0.5, "mscale_all_dim": 0.25, "llama_4_scaling_beta": 0.2},
                "hidden_size\"""");
    assertThat(parse(json).rope())
        .isEqualTo(new RopeParameters("yarn", 1e6, 8.0, 4096, 16, 2, 0.5, 0.25, null, true, 0.2));
  }

  @Test
  void takesTheYarnFactorFromTheFileEvenWhenMaxPositionsWasShrunk() throws Exception {
    ModelConfig c = parse(with("max_position_embeddings", "32768"));
    assertThat(c.rope().factor()).isEqualTo(16.0);
    assertThat(c.rope().originalMaxPositionEmbeddings()).isEqualTo(16384);
  }

  @Test
  void usesPlainRopeWhenNeitherSpellingIsPresent() throws Exception {
    ModelConfig c =
        parse(
            with("rope_parameters", null)
                .replace("\"hidden_size\"", "\"rope_theta\": 500000, \"hidden_size\""));
    assertThat(c.rope().type()).isEqualTo("default");
    assertThat(c.rope().theta()).isEqualTo(500000);
    assertThat(c.rope().factor()).isEqualTo(1.0);
    assertThat(c.rope().llama4ScalingBeta()).isZero();
    ModelConfig nullScaling =
        parse(
            with("rope_parameters", null)
                .replace(
                    "\"hidden_size\"",
                    "\"rope_scaling\": null, \"rope_theta\": 2e5, \"hidden_size\""));
    assertThat(nullScaling.rope().type()).isEqualTo("default");
    assertThat(nullScaling.rope().theta()).isEqualTo(2e5);
  }

  @Test
  void takesRopeThetaFromTheTopLevelWhenTheRopeDictHasNone() throws Exception {
    String json =
        with("rope_parameters", "{\"rope_type\":\"yarn\",\"factor\":16}")
            .replace("\"hidden_size\"", "\"rope_theta\": 1e8, \"hidden_size\"");
    assertThat(parse(json).rope().theta()).isEqualTo(1e8);
  }

  @Test
  void rejectsAMissingRopeThetaInsteadOfGuessingOne() throws Exception {
    assertThatThrownBy(
            () -> parse(with("rope_parameters", "{\"rope_type\":\"yarn\",\"factor\":16}")))
        .hasMessageStartingWith(
            "/ckpt/config.json: rope_theta is missing (looked for rope_parameters.rope_theta and a"
                + " top-level rope_theta)");
    String olderSpelling =
        with("rope_parameters", null)
            .replace(
                "\"hidden_size\"", "\"rope_scaling\": {\"type\": \"default\"}, \"hidden_size\"");
    assertThatThrownBy(() -> parse(olderSpelling))
        .hasMessageStartingWith(
            "/ckpt/config.json: rope_theta is missing (looked for rope_scaling.rope_theta");
    assertThatThrownBy(() -> parse(with("rope_parameters", null)))
        .hasMessageStartingWith(
            "/ckpt/config.json: rope_theta is missing (looked for rope_parameters.rope_theta");
  }

  @Test
  void readsAnExplicitYarnAttentionFactorAndTruncate() throws Exception {
    RopeParameters r =
        parse(
                with(
                    "rope_parameters",
                    """
                    {"rope_type": "yarn", "rope_theta": 1e6, "factor": 4, "mscale": 1,
                     "mscale_all_dim": 1, "attention_factor": 1.5, "truncate": false}"""))
            .rope();
    assertThat(r.attentionFactor()).isEqualTo(1.5);
    assertThat(r.truncate()).isFalse();
    RopeParameters shipped = parse(FOURTEEN_B).rope();
    assertThat(shipped.attentionFactor()).isNull();
    assertThat(shipped.truncate()).isTrue();
  }

  @Test
  void rejectsBadAttentionFactorAndTruncateValues() throws Exception {
    String yarn = "{\"rope_type\":\"yarn\",\"rope_theta\":1e6,\"factor\":4,";
    assertThatThrownBy(() -> parse(with("rope_parameters", yarn + "\"attention_factor\":\"1\"}")))
        .hasMessage(
            "/ckpt/config.json: rope_parameters.attention_factor must be a number, got \"1\"");
    assertThatThrownBy(() -> parse(with("rope_parameters", yarn + "\"attention_factor\":-1}")))
        .hasMessage("/ckpt/config.json: attention_factor must be a positive number, got -1.0");
    assertThatThrownBy(() -> parse(with("rope_parameters", yarn + "\"truncate\":\"no\"}")))
        .hasMessage(
            "/ckpt/config.json: rope_parameters.truncate must be true or false, got \"no\"");
  }

  @Test
  void llama4PeriodIsTheRopeDictsOriginalContextForEveryRopeType() throws Exception {
    String plainWithOriginal =
        "{\"rope_type\":\"default\",\"rope_theta\":1e6,\"original_max_position_embeddings\":4096,"
            + "\"llama_4_scaling_beta\":0.1}";
    ModelConfig c = parse(with("rope_parameters", plainWithOriginal));
    assertThat(c.rope().originalMaxPositionEmbeddings()).isEqualTo(4096);
    assertThat(parse(ConfigJson.toJson(c))).isEqualTo(c);
    String topLevel =
        with("rope_parameters", "{\"rope_type\":\"default\",\"rope_theta\":1e6}")
            .replace(
                "\"hidden_size\"", "\"original_max_position_embeddings\": 8192, \"hidden_size\"");
    assertThat(parse(topLevel).rope().originalMaxPositionEmbeddings()).isEqualTo(8192);
    ModelConfig neither =
        parse(with("rope_parameters", "{\"rope_type\":\"default\",\"rope_theta\":1e6}"));
    assertThat(neither.rope().originalMaxPositionEmbeddings()).isEqualTo(262144);
    String yarnTopLevel =
        with("rope_parameters", "{\"rope_type\":\"yarn\",\"rope_theta\":1e6,\"factor\":4}")
            .replace(
                "\"hidden_size\"", "\"original_max_position_embeddings\": 8192, \"hidden_size\"");
    assertThat(parse(yarnTopLevel).rope().originalMaxPositionEmbeddings()).isEqualTo(8192);
  }

  @Test
  void yarnWithoutMscalePairUsesHuggingFacesDefaultAttentionFactor() throws Exception {
    RopeParameters r =
        parse(with("rope_parameters", "{\"rope_type\":\"yarn\",\"rope_theta\":1e6,\"factor\":4}"))
            .rope();
    // HF: attention_factor = 0.1 ln(factor) + 1 = mscale(factor, 1) / mscale(factor, 0).
    double factor =
        (0.1 * r.mscale() * Math.log(4) + 1) / (0.1 * r.mscaleAllDim() * Math.log(4) + 1);
    assertThat(factor).isCloseTo(0.1 * Math.log(4) + 1, within(1e-12));
    assertThat(r.originalMaxPositionEmbeddings()).isEqualTo(262144);
    assertThat(r.betaFast()).isEqualTo(32);
    assertThat(r.betaSlow()).isEqualTo(1);
  }

  @Test
  void appliesHuggingFaceDefaultsForAbsentOptionalFields() throws Exception {
    String json =
        with("rms_norm_eps", null)
            .replace("\"block_size\":32,", "")
            .replace("\"head_dim\":128,", "")
            .replace("\"num_key_value_heads\":8,", "")
            .replace("\"bos_token_id\":1,", "");
    ModelConfig c = parse(json);
    assertThat(c.rmsNormEps()).isEqualTo(1e-5);
    assertThat(c.blockSize()).isEqualTo(32);
    assertThat(c.headDim()).isEqualTo(5120 / 32);
    assertThat(c.numKeyValueHeads()).isEqualTo(32);
    assertThat(c.bosTokenId()).isEqualTo(-1);
  }

  @Test
  void readsEosTokenIdAsAList() throws Exception {
    assertThat(parse(with("eos_token_id", "[2, 11]")).eosTokenIds()).containsExactly(2, 11);
  }

  @Test
  void namesTheFileAndFieldOfEveryBadValue() throws Exception {
    assertThatThrownBy(() -> parse(with("num_key_value_heads", "7")))
        .hasMessage(
            "/ckpt/config.json: num_key_value_heads must divide num_attention_heads (got 32 and 7)");
    assertThatThrownBy(() -> parse(with("mask_token_id", null)))
        .hasMessageStartingWith("/ckpt/config.json: mask_token_id is required");
    assertThatThrownBy(() -> parse(with("mask_token_id", "131072")))
        .hasMessageContaining("/ckpt/config.json: mask_token_id 131072 is outside the vocabulary");
    assertThatThrownBy(() -> parse(with("hidden_size", "\"5120\"")))
        .hasMessage("/ckpt/config.json: hidden_size must be an integer, got \"5120\"");
    assertThatThrownBy(() -> parse(with("num_hidden_layers", "40.5")))
        .hasMessage("/ckpt/config.json: num_hidden_layers must be an integer, got 40.5");
    assertThatThrownBy(() -> parse(with("intermediate_size", null)))
        .hasMessage("/ckpt/config.json: intermediate_size is required");
    assertThatThrownBy(() -> parse(with("eos_token_id", "[11, \"x\"]")))
        .hasMessage("/ckpt/config.json: eos_token_id must be an integer, got \"x\"");
    assertThatThrownBy(() -> parse(with("hidden_act", "\"gelu\"")))
        .hasMessage("/ckpt/config.json: hidden_act is \"gelu\", expected \"silu\"");
    assertThatThrownBy(() -> parse(with("attention_bias", "true")))
        .hasMessageStartingWith(
            "/ckpt/config.json: attention_bias is true, which is not supported");
    assertThatThrownBy(() -> parse(with("tie_word_embeddings", "true")))
        .hasMessageStartingWith("/ckpt/config.json: tie_word_embeddings is true");
    assertThatThrownBy(() -> parse(with("head_dim", "127")))
        .hasMessage("/ckpt/config.json: head_dim must be even for RoPE, got 127");
  }

  /**
   * A hostile config.json: each size is bounded before anything is sized from it, so 2147483647
   * layers fail at once, naming the file and field, instead of exhausting the heap.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "num_hidden_layers",
        "hidden_size",
        "vocab_size",
        "intermediate_size",
        "num_attention_heads",
        "num_key_value_heads",
        "head_dim",
        "max_position_embeddings",
        "block_size"
      })
  void rejectsAHugeSizeNamingTheFileAndField(String field) throws Exception {
    assertThatThrownBy(() -> parse(with(field, "2147483647")))
        .isInstanceOf(CheckpointFormatException.class)
        .hasMessageStartingWith(
            "/ckpt/config.json: " + field + " is 2147483647, beyond the largest supported value ");
  }

  @Test
  void acceptsSizesUpToTheBoundsAndEstimatesTheKvCache() throws Exception {
    ModelConfig c = parse(FOURTEEN_B);
    // 40 layers * 8 kv heads * 128 * (K and V) * 4 bytes.
    assertThat(c.kvBytesPerPosition()).isEqualTo(40L * 8 * 128 * 2 * 4).isEqualTo(327_680);
    assertThat(c.kvCacheBytes(262_144)).isEqualTo(327_680L * 262_144);
    assertThat(c.logitBytesPerRow()).isEqualTo(131_072L * 4);
    assertThatThrownBy(() -> c.kvCacheBytes(-1)).hasMessageContaining("positions must be >= 0");
    ModelConfig widest = parse(with("max_position_embeddings", "16777216"));
    assertThat(widest.maxPositionEmbeddings()).isEqualTo(ModelConfig.MAX_POSITION_EMBEDDINGS);
  }

  @Test
  void escapesControlCharactersOfQuotedValues() throws Exception {
    assertThatThrownBy(() -> parse(with("model_type", "\"\\u001b[2J\\u001b[31mevil\\r\\n\"")))
        .hasMessageContaining("model_type is \"\\u001b[2J\\u001b[31mevil\\r\\n\"")
        .satisfies(e -> assertThat(Printable.isPrintable(e.getMessage())).isTrue());
    assertThatThrownBy(
            () ->
                parse(
                    with(
                        "rope_parameters",
                        "{\"rope_type\":\"\\u001b]0;x\\u0007\",\"rope_theta\":1e6}")))
        .hasMessageContaining("rope type '\\u001b]0;x\\u0007' is not supported")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\u001b"));
  }

  @Test
  void rejectsBadRopeSettingsNamingTheField() throws Exception {
    assertThatThrownBy(
            () -> parse(with("rope_parameters", "{\"rope_type\":\"yarn\",\"rope_theta\":1e6}")))
        .hasMessageStartingWith("/ckpt/config.json: rope_parameters.factor is required for yarn");
    assertThatThrownBy(
            () ->
                parse(
                    with(
                        "rope_parameters",
                        "{\"rope_type\":\"yarn\",\"rope_theta\":1e6,\"factor\":\"16\"}")))
        .hasMessage("/ckpt/config.json: rope_parameters.factor must be a number, got \"16\"");
    assertThatThrownBy(
            () -> parse(with("rope_parameters", "{\"rope_type\":\"llama3\",\"rope_theta\":1e6}")))
        .hasMessage("/ckpt/config.json: rope type 'llama3' is not supported (yarn, default)");
    assertThatThrownBy(() -> parse(with("rope_parameters", "[1]")))
        .hasMessage("/ckpt/config.json: rope_parameters must be an object, got [1]");
  }

  @Test
  void checksModelTypeAndArchitecturesWithAClearMessage() throws Exception {
    assertThatThrownBy(() -> parse(with("model_type", "\"mistral\"")))
        .hasMessage(
            "/ckpt/config.json: model_type is \"mistral\", expected \"nemotron_labs_diffusion\""
                + " (a Nemotron-Labs-Diffusion text checkpoint)");
    assertThatThrownBy(() -> parse(with("model_type", null)))
        .hasMessageContaining("model_type is required");
    assertThatThrownBy(() -> parse(with("architectures", "[\"MistralForCausalLM\"]")))
        .hasMessageContaining("architectures [\"MistralForCausalLM\"] does not name a Nemotron");
  }

  @Test
  void rejectsTextThatIsNotAJsonObject() {
    assertThatThrownBy(() -> parse("{\"hidden_size\": "))
        .hasMessageStartingWith("/ckpt/config.json: not valid JSON");
    assertThatThrownBy(() -> parse("[]"))
        .hasMessage("/ckpt/config.json: expected a JSON object at the top level");
  }

  @Test
  void writtenConfigReadsBackAsTheSameConfig() throws Exception {
    ModelConfig original = parse(FOURTEEN_B);
    assertThat(parse(ConfigJson.toJson(original))).isEqualTo(original);
    ModelConfig plain =
        parse(with("rope_parameters", "{\"rope_type\":\"default\",\"rope_theta\":1e4}"));
    assertThat(parse(ConfigJson.toJson(plain))).isEqualTo(plain);
    ModelConfig explicit =
        parse(
            with(
                "rope_parameters",
                "{\"rope_type\":\"yarn\",\"rope_theta\":1e6,\"factor\":4,"
                    + "\"attention_factor\":1.5,\"truncate\":false}"));
    assertThat(parse(ConfigJson.toJson(explicit))).isEqualTo(explicit);
  }
}
