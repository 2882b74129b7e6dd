package dev.inference.nemotron.pod.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Reads the parts of a Hugging Face {@code tokenizer.json}. Every unsupported or malformed part
 * fails with an {@link IllegalArgumentException} naming the JSON path and what was expected.
 */
final class TokenizerJson {

  private TokenizerJson() {}

  static TextNormalizer normalizer(JsonNode node, String path) {
    if (node == null || node.isNull()) {
      return TextNormalizer.IDENTITY;
    }
    String type = type(node, path);
    return switch (type) {
      case "NFC" -> new TextNormalizer.UnicodeForm(Normalizer.Form.NFC);
      case "NFD" -> new TextNormalizer.UnicodeForm(Normalizer.Form.NFD);
      case "NFKC" -> new TextNormalizer.UnicodeForm(Normalizer.Form.NFKC);
      case "NFKD" -> new TextNormalizer.UnicodeForm(Normalizer.Form.NFKD);
      case "Sequence" -> {
        List<TextNormalizer> steps = new ArrayList<>();
        JsonNode list = array(node, "normalizers", path);
        for (int i = 0; i < list.size(); i++) {
          steps.add(normalizer(list.get(i), path + ".normalizers[" + i + "]"));
        }
        yield new TextNormalizer.Sequence(steps);
      }
      default ->
          throw unsupported(path, "normalizer", type, "NFC, NFD, NFKC, NFKD, Sequence or null");
    };
  }

  static PreTokenizer preTokenizer(JsonNode node, String path) {
    if (node == null || node.isNull()) {
      return (piece, out) -> out.add(piece);
    }
    String type = type(node, path);
    return switch (type) {
      case "Split" -> split(node, path);
      case "ByteLevel" ->
          new ByteLevel(
              bool(node, "add_prefix_space", true, path), bool(node, "use_regex", true, path));
      case "Sequence" -> {
        List<PreTokenizer> steps = new ArrayList<>();
        JsonNode list = array(node, "pretokenizers", path);
        for (int i = 0; i < list.size(); i++) {
          steps.add(preTokenizer(list.get(i), path + ".pretokenizers[" + i + "]"));
        }
        yield new PreTokenizer.Sequence(steps);
      }
      default -> throw unsupported(path, "pre-tokenizer", type, "Split, ByteLevel or Sequence");
    };
  }

  private static PreTokenizer split(JsonNode node, String path) {
    JsonNode pattern = node.get("pattern");
    java.util.regex.Pattern compiled;
    if (pattern != null && pattern.hasNonNull("Regex")) {
      try {
        compiled = OnigPattern.compile(pattern.get("Regex").asText());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(path + ".pattern: " + e.getMessage(), e);
      }
    } else if (pattern != null && pattern.hasNonNull("String")) {
      compiled =
          java.util.regex.Pattern.compile(
              java.util.regex.Pattern.quote(pattern.get("String").asText()));
    } else {
      throw new IllegalArgumentException(
          path + ".pattern: expected {\"Regex\": ...} or {\"String\": ...}");
    }
    RegexSplit.Behavior behavior;
    try {
      behavior = RegexSplit.Behavior.parse(text(node, "behavior", path));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(path + ".behavior: " + e.getMessage(), e);
    }
    return new RegexSplit(compiled, behavior, bool(node, "invert", false, path));
  }

  /** Checks that the decoder is one the runtime implements (only {@code ByteLevel}). */
  static void requireByteLevelDecoder(JsonNode node, String path) {
    if (node == null || node.isNull()) {
      throw new IllegalArgumentException(
          path + " is missing: expected a ByteLevel decoder (byte-level BPE)");
    }
    String type = type(node, path);
    if (!type.equals("ByteLevel")) {
      throw unsupported(path, "decoder", type, "ByteLevel");
    }
  }

  static BytePairModel model(JsonNode node, String path) {
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException(path + " is missing: expected a BPE model object");
    }
    String type = node.hasNonNull("type") ? node.get("type").asText() : "BPE";
    if (!type.equals("BPE")) {
      throw unsupported(path, "model", type, "BPE");
    }
    JsonNode dropout = node.get("dropout");
    if (dropout != null && !dropout.isNull() && dropout.asDouble() > 0) {
      throw new IllegalArgumentException(
          path + ".dropout: BPE dropout is random and not supported for inference; expected null");
    }
    JsonNode vocabNode = node.get("vocab");
    if (vocabNode == null || !vocabNode.isObject()) {
      throw new IllegalArgumentException(path + ".vocab: expected an object of token -> id");
    }
    Map<String, Integer> vocab = new HashMap<>(vocabNode.size() * 2);
    for (Iterator<Map.Entry<String, JsonNode>> it = vocabNode.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getValue().canConvertToInt() || e.getValue().asInt() < 0) {
        throw new IllegalArgumentException(
            path + ".vocab[\"" + e.getKey() + "\"]: expected a non-negative integer id");
      }
      requireSupportedId(e.getValue().asInt(), path + ".vocab[\"" + e.getKey() + "\"]");
      vocab.put(e.getKey(), e.getValue().asInt());
    }
    String prefix = optionalText(node, "continuing_subword_prefix");
    String suffix = optionalText(node, "end_of_word_suffix");
    MergeTable merges = merges(array(node, "merges", path), vocab, prefix, path + ".merges");
    int unkId = -1;
    String unk = optionalText(node, "unk_token");
    if (!unk.isEmpty()) {
      Integer id = vocab.get(unk);
      if (id == null) {
        throw new IllegalArgumentException(
            path + ".unk_token: '" + unk + "' is not in the vocabulary");
      }
      unkId = id;
    }
    return new BytePairModel(
        vocab,
        merges,
        unkId,
        bool(node, "fuse_unk", false, path),
        bool(node, "byte_fallback", false, path),
        bool(node, "ignore_merges", false, path),
        prefix,
        suffix);
  }

  private static MergeTable merges(
      JsonNode list, Map<String, Integer> vocab, String prefix, String path) {
    MergeTable table = new MergeTable(list.size());
    for (int rank = 0; rank < list.size(); rank++) {
      JsonNode m = list.get(rank);
      String left;
      String right;
      if (m.isArray() && m.size() == 2) {
        left = m.get(0).asText();
        right = m.get(1).asText();
      } else if (m.isTextual()
          && m.asText().indexOf(' ') > 0
          && m.asText().indexOf(' ') == m.asText().lastIndexOf(' ')) {
        int space = m.asText().indexOf(' ');
        left = m.asText().substring(0, space);
        right = m.asText().substring(space + 1);
      } else {
        throw new IllegalArgumentException(
            path + "[" + rank + "]: expected [\"a\", \"b\"] or \"a b\", got " + m);
      }
      String joined = left + (right.startsWith(prefix) ? right.substring(prefix.length()) : right);
      Integer l = vocab.get(left);
      Integer r = vocab.get(right);
      Integer merged = vocab.get(joined);
      if (l == null || r == null || merged == null) {
        String missing = l == null ? left : r == null ? right : joined;
        throw new IllegalArgumentException(
            path + "[" + rank + "]: token '" + missing + "' is not in the vocabulary");
      }
      table.put(l, r, rank, merged);
    }
    return table;
  }

  static List<AddedToken> addedTokens(JsonNode list, String path) {
    List<AddedToken> tokens = new ArrayList<>();
    if (list == null || list.isNull()) {
      return tokens;
    }
    if (!list.isArray()) {
      throw new IllegalArgumentException(path + ": expected an array");
    }
    for (int i = 0; i < list.size(); i++) {
      JsonNode t = list.get(i);
      String at = path + "[" + i + "]";
      if (!t.hasNonNull("id") || !t.get("id").canConvertToInt()) {
        throw new IllegalArgumentException(at + ".id: expected an integer");
      }
      requireSupportedId(t.get("id").asInt(), at + ".id");
      boolean special = bool(t, "special", false, at);
      try {
        tokens.add(
            new AddedToken(
                t.get("id").asInt(),
                text(t, "content", at),
                bool(t, "single_word", false, at),
                bool(t, "lstrip", false, at),
                bool(t, "rstrip", false, at),
                bool(t, "normalized", !special, at),
                special));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(at + ": " + e.getMessage(), e);
      }
    }
    return tokens;
  }

  /**
   * Rejects an id the tables indexed by id ({@link Tokenizer}) could not hold without exhausting
   * the heap: a corrupt or hostile file with the id 2147483647 would otherwise need 2^31 entries.
   */
  private static void requireSupportedId(int id, String path) {
    if (id >= Tokenizer.MAX_VOCABULARY_SIZE) {
      throw new IllegalArgumentException(
          path
              + ": id "
              + id
              + " is beyond the largest supported vocabulary ("
              + Tokenizer.MAX_VOCABULARY_SIZE
              + " ids)");
    }
  }

  private static String type(JsonNode node, String path) {
    return text(node, "type", path);
  }

  private static String text(JsonNode node, String field, String path) {
    JsonNode v = node.get(field);
    if (v == null || !v.isTextual()) {
      throw new IllegalArgumentException(path + "." + field + ": expected a string");
    }
    return v.asText();
  }

  private static String optionalText(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v == null || v.isNull() ? "" : v.asText();
  }

  private static boolean bool(JsonNode node, String field, boolean fallback, String path) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return fallback;
    }
    if (!v.isBoolean()) {
      throw new IllegalArgumentException(path + "." + field + ": expected true or false");
    }
    return v.asBoolean();
  }

  private static JsonNode array(JsonNode node, String field, String path) {
    JsonNode v = node.get(field);
    if (v == null || !v.isArray()) {
      throw new IllegalArgumentException(path + "." + field + ": expected an array");
    }
    return v;
  }

  private static IllegalArgumentException unsupported(
      String path, String what, String type, String expected) {
    return new IllegalArgumentException(
        path + ": " + what + " type '" + type + "' is not supported; expected " + expected);
  }
}
