package dev.inference.nemotron.pod.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads and writes the end-of-sequence ids of a checkpoint's optional {@code
 * generation_config.json}. Hugging Face's {@code generate} stops on its {@code eos_token_id} (one
 * id or a list), which may name more ids than config.json does, such as the chat end marker {@code
 * <|im_end|>}; the runtime stops on both files' ids.
 */
final class GenerationConfigJson {
  /** The file's name in a checkpoint directory. */
  static final String FILE_NAME = "generation_config.json";

  private GenerationConfigJson() {}

  /**
   * The {@code eos_token_id}s of {@code file}, in file order; none when the file is absent or has
   * no such field.
   *
   * @throws CheckpointFormatException when the file is not a JSON object, the field is neither an
   *     integer nor a list of integers, or an id is outside {@code [0, vocabSize)}
   */
  static List<Integer> eosTokenIds(Path file, int vocabSize) throws IOException {
    if (FileAccess.kind(file) == FileAccess.Kind.MISSING) {
      return List.of();
    }
    JsonNode root;
    try {
      root = ConfigJson.JSON.readTree(FileAccess.readString(file));
    } catch (JsonProcessingException e) {
      throw new CheckpointFormatException(
          file + ": not valid JSON (" + e.getOriginalMessage() + ")", e);
    }
    if (root == null || !root.isObject()) {
      throw new CheckpointFormatException(file + ": expected a JSON object at the top level");
    }
    JsonNode eos = root.get("eos_token_id");
    if (eos == null || eos.isNull()) {
      return List.of();
    }
    List<Integer> ids = new ArrayList<>();
    for (JsonNode id : eos.isArray() ? eos : List.of(eos)) {
      if (!id.isIntegralNumber() || !id.canConvertToInt()) {
        throw new CheckpointFormatException(
            file + ": eos_token_id must be an integer or a list of integers, got " + eos);
      }
      if (id.intValue() < 0 || id.intValue() >= vocabSize) {
        throw new CheckpointFormatException(
            file
                + ": eos_token_id "
                + id.intValue()
                + " is outside the vocabulary [0, "
                + vocabSize
                + ") of config.json");
      }
      ids.add(id.intValue());
    }
    return ids;
  }

  /** A generation_config.json naming these ids, as Hugging Face writes one. */
  static String toJson(int bosTokenId, List<Integer> eosTokenIds) {
    ObjectNode root = ConfigJson.JSON.createObjectNode();
    if (bosTokenId >= 0) {
      root.put("bos_token_id", bosTokenId);
    }
    ArrayNode eos = root.putArray("eos_token_id");
    eosTokenIds.forEach(eos::add);
    try {
      return ConfigJson.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize a JSON tree", e);
    }
  }
}
