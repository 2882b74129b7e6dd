package dev.inference.nemotron.pod.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The {@code quantization_config} entry of a pre-quantized checkpoint's config.json
 * (WEIGHT-FORMATS.md): ours, {@code {"quant_method": "ndd", "format": "int8|int4|fp8",
 * "block_size": 32}}, or NVIDIA ModelOpt's FP8, {@code {"quant_method": "modelopt", "quant_algo":
 * "FP8"}}.
 *
 * @param format the code format of the quantized weights
 * @param blockSize inputs per scale for int8/int4 (32 or 64); 0 for fp8 (per channel or tensor)
 */
public record QuantizationConfig(QuantFormat format, int blockSize) {
  /** Our {@code quant_method}. */
  public static final String METHOD = "ndd";

  /** The entry's key in config.json. */
  public static final String KEY = "quantization_config";

  /** The entry config.json gets for this config. */
  public ObjectNode toJson() {
    ObjectNode node = ConfigJson.JSON.createObjectNode();
    node.put("quant_method", METHOD);
    node.put("format", format.id());
    if (format.blockwise()) {
      node.put("block_size", blockSize);
    }
    node.put("scale_suffix", "_scale");
    return node;
  }

  /** The {@code quantization_config} of {@code configFile}, empty when it has none. */
  public static Optional<QuantizationConfig> read(Path configFile) throws IOException {
    JsonNode root;
    try {
      root = ConfigJson.JSON.readTree(FileAccess.readString(configFile));
    } catch (JsonProcessingException e) {
      throw new CheckpointFormatException(
          configFile + ": not valid JSON (" + e.getOriginalMessage() + ")", e);
    }
    JsonNode node = root == null ? null : root.get(KEY);
    if (node == null || node.isNull()) {
      return Optional.empty();
    }
    return Optional.of(parse(node, configFile.toString()));
  }

  /** Parses the entry; {@code where} names the file in errors. */
  static QuantizationConfig parse(JsonNode node, String where) throws CheckpointFormatException {
    if (!node.isObject()) {
      throw new CheckpointFormatException(where + ": " + KEY + " must be an object, got " + node);
    }
    String method = text(node, "quant_method", where);
    switch (method) {
      case METHOD -> {
        String id = text(node, "format", where);
        QuantFormat format =
            QuantFormat.fromId(id)
                .orElseThrow(
                    () ->
                        new CheckpointFormatException(
                            where
                                + ": "
                                + KEY
                                + ".format '"
                                + id
                                + "' is not a weight format this runtime reads (supported: "
                                + QuantFormat.ids()
                                + ")"));
        if (!format.blockwise()) {
          return new QuantizationConfig(format, 0);
        }
        JsonNode block = node.get("block_size");
        if (block == null
            || !block.canConvertToInt()
            || !WeightQuantizer.validBlockSize(block.intValue())) {
          throw new CheckpointFormatException(
              where + ": " + KEY + ".block_size must be 32 or 64 for " + id + ", got " + block);
        }
        return new QuantizationConfig(format, block.intValue());
      }
      case "modelopt" -> {
        String algo = text(node, "quant_algo", where);
        if (!algo.equals("FP8")) {
          throw new CheckpointFormatException(
              where
                  + ": "
                  + KEY
                  + ": modelopt quant_algo '"
                  + algo
                  + "' is not supported (only FP8: E4M3 weights with per-tensor or per-channel"
                  + " scales)");
        }
        return new QuantizationConfig(QuantFormat.FP8, 0);
      }
      default ->
          throw new CheckpointFormatException(
              where
                  + ": "
                  + KEY
                  + ".quant_method '"
                  + method
                  + "' is not supported (supported: '"
                  + METHOD
                  + "' with format "
                  + QuantFormat.ids()
                  + ", 'modelopt' with quant_algo FP8)");
    }
  }

  private static String text(JsonNode node, String field, String where)
      throws CheckpointFormatException {
    JsonNode v = node.get(field);
    if (v == null || !v.isTextual()) {
      throw new CheckpointFormatException(
          where + ": " + KEY + "." + field + " must be a string, got " + v);
    }
    return v.asText();
  }
}
