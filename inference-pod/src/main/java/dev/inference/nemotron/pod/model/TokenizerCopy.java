package dev.inference.nemotron.pod.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.inference.nemotron.pod.tokenizer.TinyTokenizerFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Copies a real tokenizer (tokenizer.json + tokenizer_config.json) into a generated checkpoint and
 * derives the ids the model config needs from it: vocabulary size (highest id + 1), bos and eos
 * from tokenizer_config.json, and a mask token.
 *
 * <p>General-purpose tokenizers have no diffusion mask token, so one of their special tokens is
 * borrowed: {@code mask_token} when configured, else a special token whose text contains "mask",
 * else the highest-id special token that is not bos, eos or pad (a token ordinary text never
 * produces).
 */
final class TokenizerCopy {
  private TokenizerCopy() {}

  static TinyTokenizerFiles.Ids copy(Path from, Path to, List<Path> files) throws IOException {
    Path tokenizerJson = from.resolve("tokenizer.json");
    Path tokenizerConfig = from.resolve("tokenizer_config.json");
    for (Path p : List.of(tokenizerJson, tokenizerConfig)) {
      if (FileAccess.kind(p) != FileAccess.Kind.FILE) {
        throw new CheckpointFormatException(p + ": not found (--tokenizer needs both files)");
      }
    }
    JsonNode tokenizer = readJson(tokenizerJson);
    JsonNode config = readJson(tokenizerConfig);
    Map<String, Integer> ids = new HashMap<>();
    int highest = -1;
    JsonNode vocab = tokenizer.path("model").path("vocab");
    if (!vocab.isObject()) {
      throw new CheckpointFormatException(
          tokenizerJson + ": model.vocab must be an object of token -> id");
    }
    for (var it = vocab.fields(); it.hasNext(); ) {
      var e = it.next();
      ids.put(e.getKey(), e.getValue().asInt());
      highest = Math.max(highest, e.getValue().asInt());
    }
    for (JsonNode added : tokenizer.path("added_tokens")) {
      ids.put(added.path("content").asText(), added.path("id").asInt());
      highest = Math.max(highest, added.path("id").asInt());
    }
    int bos = id(config, "bos_token", ids);
    int eos = id(config, "eos_token", ids);
    int pad = id(config, "pad_token", ids);
    if (eos < 0) {
      throw new CheckpointFormatException(
          tokenizerConfig + ": eos_token is required to generate a checkpoint");
    }
    int mask = maskToken(tokenizer, config, ids, bos, eos, pad);
    if (mask < 0) {
      throw new CheckpointFormatException(
          tokenizerJson + ": no special token to use as the mask token");
    }
    for (Path p : List.of(tokenizerJson, tokenizerConfig)) {
      Path target = to.resolve(p.getFileName());
      try {
        Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
      } catch (IOException e) {
        throw FileAccess.failure("copy " + p + " to", target, e);
      }
      files.add(target);
    }
    return new TinyTokenizerFiles.Ids(bos, eos, mask, highest + 1);
  }

  private static JsonNode readJson(Path file) throws IOException {
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
    return root;
  }

  private static int maskToken(
      JsonNode tokenizer, JsonNode config, Map<String, Integer> ids, int bos, int eos, int pad) {
    int configured = id(config, "mask_token", ids);
    if (configured >= 0) {
      return configured;
    }
    int named = -1;
    int highestSpecial = -1;
    for (JsonNode added : tokenizer.path("added_tokens")) {
      int id = added.path("id").asInt();
      if (!added.path("special").asBoolean(false) || id == bos || id == eos || id == pad) {
        continue;
      }
      if (added.path("content").asText().toLowerCase(Locale.ROOT).contains("mask")) {
        named = id;
      }
      highestSpecial = Math.max(highestSpecial, id);
    }
    return named >= 0 ? named : highestSpecial;
  }

  /** The id of a tokenizer_config.json token field (a string or {content: ...}), or -1. */
  private static int id(JsonNode config, String field, Map<String, Integer> ids) {
    JsonNode token = config.get(field);
    if (token != null && token.isObject()) {
      token = token.get("content");
    }
    if (token == null || !token.isTextual()) {
      return -1;
    }
    return ids.getOrDefault(token.asText(), -1);
  }
}
