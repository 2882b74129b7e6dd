package dev.inference.nemotron.pod.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads and writes a checkpoint's {@code config.json} (MODEL.md §2). Fields the runtime does not
 * use are ignored; fields it uses are type-checked, and every error names the file and the field.
 * Defaults follow Hugging Face where it has one ({@code rms_norm_eps}, {@code num_key_value_heads},
 * {@code head_dim}); {@code mask_token_id} has none and is required, and {@code rope_theta} is
 * required although Hugging Face defaults it, because a wrong base is never noticed (MODEL.md §2).
 */
public final class ConfigJson {
  /** The {@code model_type} of every Nemotron-Labs-Diffusion text checkpoint. */
  public static final String MODEL_TYPE = "nemotron_labs_diffusion";

  /** The architecture name the checkpoints declare. */
  public static final String ARCHITECTURE = "NemotronLabsDiffusionModel";

  static final ObjectMapper JSON = new ObjectMapper();

  private final String source;
  private final JsonNode root;

  private ConfigJson(String source, JsonNode root) {
    this.source = source;
    this.root = root;
  }

  /** Reads and validates {@code file}. */
  public static ModelConfig read(Path file) throws IOException {
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new CheckpointFormatException(file + ": not found (a checkpoint needs config.json)");
    } catch (IOException e) {
      throw FileAccess.failure("read", file, e);
    }
    return parse(text, file.toString());
  }

  /** Parses config.json text; {@code source} names the file in error messages. */
  public static ModelConfig parse(String json, String source) throws CheckpointFormatException {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new CheckpointFormatException(
          source + ": not valid JSON (" + e.getOriginalMessage() + ")", e);
    }
    if (root == null || !root.isObject()) {
      throw new CheckpointFormatException(source + ": expected a JSON object at the top level");
    }
    return new ConfigJson(source, root).toConfig();
  }

  private ModelConfig toConfig() throws CheckpointFormatException {
    checkModelType();
    requireAbsentOrEqual("hidden_act", "silu");
    requireFalse("attention_bias", "the runtime has no attention biases");
    requireFalse("mlp_bias", "the runtime has no MLP biases");
    requireFalse("tie_word_embeddings", "diffusion_head.weight is a separate, untied LM head");
    int hidden = requiredInt(root, "hidden_size", "");
    int heads = requiredInt(root, "num_attention_heads", "");
    int kvHeads = optionalInt(root, "num_key_value_heads", "", heads);
    boolean headsInRange =
        heads > 0
            && kvHeads > 0
            && heads <= ModelConfig.MAX_HEADS
            && kvHeads <= ModelConfig.MAX_HEADS;
    if (hidden > 0 && headsInRange && heads % kvHeads != 0) {
      throw error(
          "num_key_value_heads must divide num_attention_heads (got "
              + heads
              + " and "
              + kvHeads
              + ")");
    }
    int headDim;
    if (present(root, "head_dim")) {
      headDim = requiredInt(root, "head_dim", "");
    } else if (heads > 0 && hidden % heads == 0) {
      headDim = hidden / heads;
    } else {
      throw error(
          "head_dim is absent and hidden_size "
              + hidden
              + " is not a multiple of num_attention_heads "
              + heads);
    }
    int maxPositions = requiredInt(root, "max_position_embeddings", "");
    if (!present(root, "mask_token_id")) {
      throw error(
          "mask_token_id is required (the diffusion mask token; Hugging Face has no default)");
    }
    try {
      return new ModelConfig(
          hidden,
          requiredInt(root, "num_hidden_layers", ""),
          requiredInt(root, "intermediate_size", ""),
          heads,
          kvHeads,
          headDim,
          requiredInt(root, "vocab_size", ""),
          optionalDouble(root, "rms_norm_eps", "", 1e-5),
          maxPositions,
          requiredInt(root, "mask_token_id", ""),
          optionalInt(root, "block_size", "", 32),
          eosTokenIds(),
          optionalInt(root, "bos_token_id", "", -1),
          rope(maxPositions));
    } catch (IllegalArgumentException e) {
      throw error(e.getMessage());
    }
  }

  private void checkModelType() throws CheckpointFormatException {
    JsonNode type = root.get("model_type");
    if (type == null || !type.isTextual()) {
      throw error("model_type is required and must be \"" + MODEL_TYPE + "\"");
    }
    if (!type.asText().equals(MODEL_TYPE)) {
      throw error(
          "model_type is \""
              + type.asText()
              + "\", expected \""
              + MODEL_TYPE
              + "\" (a Nemotron-Labs-Diffusion text checkpoint)");
    }
    JsonNode architectures = root.get("architectures");
    if (architectures == null || architectures.isNull()) {
      return;
    }
    if (!architectures.isArray()) {
      throw error("architectures must be a list of names, got " + architectures);
    }
    for (JsonNode a : architectures) {
      if (a.isTextual() && a.asText().startsWith("NemotronLabsDiffusion")) {
        return;
      }
    }
    throw error(
        "architectures "
            + architectures
            + " does not name a Nemotron-Labs-Diffusion model (expected "
            + ARCHITECTURE
            + ")");
  }

  private RopeParameters rope(int maxPositions) throws CheckpointFormatException {
    String where;
    JsonNode rope;
    if (present(root, "rope_scaling") && !present(root, "rope_parameters")) {
      where = "rope_scaling.";
      rope = root.get("rope_scaling");
    } else {
      where = "rope_parameters.";
      rope = root.get("rope_parameters");
    }
    if (rope != null && !rope.isNull() && !rope.isObject()) {
      throw error(where.substring(0, where.length() - 1) + " must be an object, got " + rope);
    }
    if (rope == null || rope.isNull()) {
      rope = JSON.createObjectNode();
    }
    String type = "default";
    if (present(rope, "rope_type")) {
      type = requiredText(rope, "rope_type", where);
    } else if (present(rope, "type")) {
      type = requiredText(rope, "type", where);
    }
    double beta4 =
        optionalDouble(
            rope,
            "llama_4_scaling_beta",
            where,
            optionalDouble(root, "llama_4_scaling_beta", "", 0));
    // Also the llama-4 query-scale period, which Hugging Face Ministral3 reads from the rope dict
    // whatever the rope type.
    int originalMax =
        optionalInt(
            rope,
            "original_max_position_embeddings",
            where,
            optionalInt(root, "original_max_position_embeddings", "", maxPositions));
    if (!type.equals("yarn")) {
      return new RopeParameters(
          type, theta(rope, where), 1.0, originalMax, 32, 1, 1, 0, null, true, beta4);
    }
    if (!present(rope, "factor")) {
      throw error(
          where + "factor is required for yarn (never derived from max_position_embeddings)");
    }
    Double attentionFactor =
        present(rope, "attention_factor")
            ? optionalDouble(rope, "attention_factor", where, Double.NaN)
            : null;
    double mscale = optionalDouble(rope, "mscale", where, 0);
    double mscaleAllDim = optionalDouble(rope, "mscale_all_dim", where, 0);
    if (mscale == 0 || mscaleAllDim == 0) {
      // Hugging Face then uses mscale(factor) alone, which is mscale(factor, 1) / mscale(factor,
      // 0).
      mscale = 1;
      mscaleAllDim = 0;
    }
    return new RopeParameters(
        type,
        theta(rope, where),
        optionalDouble(rope, "factor", where, 1),
        originalMax,
        optionalDouble(rope, "beta_fast", where, 32),
        optionalDouble(rope, "beta_slow", where, 1),
        mscale,
        mscaleAllDim,
        attentionFactor,
        optionalBoolean(rope, "truncate", where, true),
        beta4);
  }

  /**
   * The RoPE base: in the rope dict, else at the top level. There is no default: the base differs
   * between checkpoints (1e9 for the 14B; the 8B's is only known from its file), and a guessed one
   * silently produces wrong positions.
   */
  private double theta(JsonNode rope, String where) throws CheckpointFormatException {
    if (present(rope, "rope_theta")) {
      return optionalDouble(rope, "rope_theta", where, Double.NaN);
    }
    if (present(root, "rope_theta")) {
      return optionalDouble(root, "rope_theta", "", Double.NaN);
    }
    throw error(
        "rope_theta is missing (looked for "
            + where
            + "rope_theta and a top-level rope_theta); the RoPE base differs between checkpoints"
            + " and is never guessed");
  }

  private List<Integer> eosTokenIds() throws CheckpointFormatException {
    JsonNode eos = root.get("eos_token_id");
    List<Integer> ids = new ArrayList<>();
    if (eos == null || eos.isNull()) {
      return ids;
    }
    if (eos.isArray()) {
      for (JsonNode id : eos) {
        ids.add(asInt(id, "eos_token_id"));
      }
    } else {
      ids.add(asInt(eos, "eos_token_id"));
    }
    return ids;
  }

  private void requireAbsentOrEqual(String field, String expected)
      throws CheckpointFormatException {
    JsonNode v = root.get(field);
    if (v != null && !v.isNull() && !(v.isTextual() && v.asText().equals(expected))) {
      throw error(field + " is " + v + ", expected \"" + expected + "\"");
    }
  }

  private void requireFalse(String field, String why) throws CheckpointFormatException {
    JsonNode v = root.get(field);
    if (v == null || v.isNull()) {
      return;
    }
    if (!v.isBoolean()) {
      throw error(field + " must be true or false, got " + v);
    }
    if (v.asBoolean()) {
      throw error(field + " is true, which is not supported (" + why + ")");
    }
  }

  private static boolean present(JsonNode node, String field) {
    return node.has(field) && !node.get(field).isNull();
  }

  private int requiredInt(JsonNode node, String field, String where)
      throws CheckpointFormatException {
    if (!present(node, field)) {
      throw error(where + field + " is required");
    }
    return asInt(node.get(field), where + field);
  }

  private int optionalInt(JsonNode node, String field, String where, int fallback)
      throws CheckpointFormatException {
    return present(node, field) ? asInt(node.get(field), where + field) : fallback;
  }

  private int asInt(JsonNode v, String field) throws CheckpointFormatException {
    if (!v.isIntegralNumber() || !v.canConvertToInt()) {
      throw error(field + " must be an integer, got " + v);
    }
    return v.intValue();
  }

  private double optionalDouble(JsonNode node, String field, String where, double fallback)
      throws CheckpointFormatException {
    if (!present(node, field)) {
      return fallback;
    }
    JsonNode v = node.get(field);
    if (!v.isNumber()) {
      throw error(where + field + " must be a number, got " + v);
    }
    return v.doubleValue();
  }

  private boolean optionalBoolean(JsonNode node, String field, String where, boolean fallback)
      throws CheckpointFormatException {
    if (!present(node, field)) {
      return fallback;
    }
    JsonNode v = node.get(field);
    if (!v.isBoolean()) {
      throw error(where + field + " must be true or false, got " + v);
    }
    return v.booleanValue();
  }

  private String requiredText(JsonNode node, String field, String where)
      throws CheckpointFormatException {
    JsonNode v = node.get(field);
    if (v == null || !v.isTextual()) {
      throw error(where + field + " must be a string, got " + v);
    }
    return v.asText();
  }

  private CheckpointFormatException error(String message) {
    return new CheckpointFormatException(source + ": " + message);
  }

  /**
   * The config.json of a checkpoint with this config: every field of MODEL.md §2, with {@code
   * rope_parameters} in the current spelling.
   */
  public static String toJson(ModelConfig config) {
    ObjectNode root = JSON.createObjectNode();
    root.put("model_type", MODEL_TYPE);
    root.putArray("architectures").add(ARCHITECTURE);
    root.put("hidden_size", config.hiddenSize());
    root.put("num_hidden_layers", config.numHiddenLayers());
    root.put("intermediate_size", config.intermediateSize());
    root.put("num_attention_heads", config.numAttentionHeads());
    root.put("num_key_value_heads", config.numKeyValueHeads());
    root.put("head_dim", config.headDim());
    root.put("vocab_size", config.vocabSize());
    root.put("hidden_act", "silu");
    root.put("rms_norm_eps", config.rmsNormEps());
    root.put("attention_bias", false);
    root.put("mlp_bias", false);
    root.put("tie_word_embeddings", false);
    root.put("max_position_embeddings", config.maxPositionEmbeddings());
    root.put("mask_token_id", config.maskTokenId());
    root.put("block_size", config.blockSize());
    ArrayNode eos = root.putArray("eos_token_id");
    config.eosTokenIds().forEach(eos::add);
    if (config.bosTokenId() >= 0) {
      root.put("bos_token_id", config.bosTokenId());
    }
    root.put("dlm_paradigm", "bidirectional");
    RopeParameters rope = config.rope();
    ObjectNode r = root.putObject("rope_parameters");
    r.put("rope_type", rope.type());
    r.put("rope_theta", rope.theta());
    if (rope.type().equals("yarn")) {
      r.put("factor", rope.factor());
      r.put("original_max_position_embeddings", rope.originalMaxPositionEmbeddings());
      r.put("beta_fast", rope.betaFast());
      r.put("beta_slow", rope.betaSlow());
      r.put("mscale", rope.mscale());
      r.put("mscale_all_dim", rope.mscaleAllDim());
      if (rope.attentionFactor() != null) {
        r.put("attention_factor", rope.attentionFactor());
      }
      if (!rope.truncate()) {
        r.put("truncate", false);
      }
    } else if (rope.originalMaxPositionEmbeddings() != config.maxPositionEmbeddings()) {
      r.put("original_max_position_embeddings", rope.originalMaxPositionEmbeddings());
    }
    r.put("llama_4_scaling_beta", rope.llama4ScalingBeta());
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize a JSON tree", e);
    }
  }
}
