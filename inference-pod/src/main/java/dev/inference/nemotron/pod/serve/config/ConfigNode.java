package dev.inference.nemotron.pod.serve.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Supplier;

/**
 * One mapping of a YAML configuration file, read strictly: each read names its key, wrong types and
 * missing required keys are errors naming the key's path and the file, and {@link #build(Supplier)}
 * rejects keys that nothing read (a typo, or a key of a newer operator). A YAML {@code null} (or an
 * empty value) counts as absent.
 */
final class ConfigNode {

  private static final ObjectMapper YAML =
      new YAMLMapper(
          YAMLFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build());

  private final Path file;
  private final String path;
  private final JsonNode node;
  private final Set<String> known = new LinkedHashSet<>();

  private ConfigNode(Path file, String path, JsonNode node) {
    this.file = file;
    this.path = path;
    this.node = node;
  }

  /** The top-level mapping of a YAML document. */
  static ConfigNode parse(Path file, byte[] yaml) {
    JsonNode root;
    try {
      root = YAML.readTree(yaml);
    } catch (JsonProcessingException e) {
      throw new InvalidConfigException(
          file, "not valid YAML: " + oneLine(e.getOriginalMessage()) + at(e.getLocation()));
    } catch (IOException e) {
      throw new UncheckedIOException("reading a byte array does no I/O", e);
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      throw new InvalidConfigException(file, "the file is empty; expected a mapping with model");
    }
    if (!root.isObject()) {
      throw new InvalidConfigException(
          file, "expected a mapping (key: value lines) at the top level, got " + kind(root));
    }
    return new ConfigNode(file, "", root);
  }

  /** The file this node is in. */
  Path file() {
    return file;
  }

  /** A required mapping. */
  ConfigNode section(String key) {
    return optionalSection(key).orElseThrow(() -> missing(key));
  }

  /** A mapping, if present. */
  Optional<ConfigNode> optionalSection(String key) {
    return value(key).map(v -> asSection(keyPath(key), v));
  }

  /** A list of mappings; empty if absent. */
  List<ConfigNode> sections(String key) {
    Optional<JsonNode> value = value(key);
    if (value.isEmpty()) {
      return List.of();
    }
    if (!value.get().isArray()) {
      throw wrongType(key, "a list", value.get());
    }
    List<ConfigNode> sections = new ArrayList<>();
    for (int i = 0; i < value.get().size(); i++) {
      sections.add(asSection(keyPath(key) + "[" + i + "]", value.get().get(i)));
    }
    return sections;
  }

  /** A required string. */
  String string(String key) {
    return optionalString(key).orElseThrow(() -> missing(key));
  }

  /** A string, if present. */
  Optional<String> optionalString(String key) {
    return value(key)
        .map(
            v -> {
              if (!v.isTextual()) {
                throw wrongType(key, "a string", v);
              }
              return v.textValue();
            });
  }

  /** A string, {@code orElse} when absent. */
  String string(String key, String orElse) {
    return optionalString(key).orElse(orElse);
  }

  /** An integer that fits in an int, {@code orElse} when absent. */
  int integer(String key, int orElse) {
    OptionalInt value = optionalInt(key);
    return value.isPresent() ? value.getAsInt() : orElse;
  }

  /** An integer that fits in an int, if present. */
  OptionalInt optionalInt(String key) {
    OptionalLong value = optionalLong(key);
    if (value.isEmpty()) {
      return OptionalInt.empty();
    }
    long v = value.getAsLong();
    if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
      throw new InvalidConfigException(
          file, keyPath(key) + ": must be at most " + Integer.MAX_VALUE + ", got " + v);
    }
    return OptionalInt.of((int) v);
  }

  /** An integer that fits in a long, if present. */
  OptionalLong optionalLong(String key) {
    Optional<JsonNode> value = value(key);
    if (value.isEmpty()) {
      return OptionalLong.empty();
    }
    JsonNode v = value.get();
    if (!v.isIntegralNumber()) {
      throw wrongType(key, "an integer", v);
    }
    if (!v.canConvertToLong()) {
      throw new InvalidConfigException(
          file, keyPath(key) + ": must be at most " + Long.MAX_VALUE + ", got " + v.asText());
    }
    return OptionalLong.of(v.longValue());
  }

  /** A number (integer or not), {@code orElse} when absent. */
  double number(String key, double orElse) {
    Optional<JsonNode> value = value(key);
    if (value.isEmpty()) {
      return orElse;
    }
    if (!value.get().isNumber()) {
      throw wrongType(key, "a number", value.get());
    }
    return value.get().doubleValue();
  }

  /** A path; a relative one is taken from the directory of the file. */
  Path path(String raw) {
    Path p = Path.of(raw);
    Path dir = file.toAbsolutePath().getParent();
    return p.isAbsolute() || dir == null ? p : dir.resolve(p).normalize();
  }

  /**
   * Rejects keys nothing has read, then runs {@code constructor} (a record's compact constructor,
   * which checks ranges), turning its {@link IllegalArgumentException} into an error at this node's
   * path.
   */
  <T> T build(Supplier<T> constructor) {
    node.fieldNames()
        .forEachRemaining(
            name -> {
              if (!known.contains(name)) {
                throw new InvalidConfigException(
                    file,
                    "unknown key %s; the keys here are %s"
                        .formatted(keyPath(name), String.join(", ", known)));
              }
            });
    try {
      return constructor.get();
    } catch (IllegalArgumentException e) {
      throw fail(e.getMessage());
    }
  }

  /** An error at this node's path. */
  InvalidConfigException fail(String problem) {
    return new InvalidConfigException(file, (path.isEmpty() ? "" : path + ": ") + problem);
  }

  /** An error at a key of this node. */
  InvalidConfigException fail(String key, String problem) {
    return new InvalidConfigException(file, keyPath(key) + ": " + problem);
  }

  private Optional<JsonNode> value(String key) {
    known.add(key);
    JsonNode v = node.get(key);
    return v == null || v.isNull() ? Optional.empty() : Optional.of(v);
  }

  private ConfigNode asSection(String sectionPath, JsonNode v) {
    if (!v.isObject()) {
      throw new InvalidConfigException(
          file, sectionPath + ": must be a mapping (key: value), got " + kind(v));
    }
    return new ConfigNode(file, sectionPath, v);
  }

  private String keyPath(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  private InvalidConfigException missing(String key) {
    List<String> present = new ArrayList<>();
    node.fieldNames().forEachRemaining(present::add);
    return new InvalidConfigException(
        file,
        "missing required key "
            + keyPath(key)
            + (present.isEmpty() || path.isEmpty()
                ? ""
                : " (the keys here are " + String.join(", ", present) + ")"));
  }

  /** SnakeYAML's multi-line message (with a caret drawing) as one line. */
  private static String oneLine(String message) {
    return message
        .lines()
        .map(String::strip)
        .filter(l -> !l.isEmpty() && !l.equals("^") && !l.startsWith("in 'reader'"))
        .collect(java.util.stream.Collectors.joining("; "));
  }

  private InvalidConfigException wrongType(String key, String expected, JsonNode given) {
    return new InvalidConfigException(
        file, keyPath(key) + ": must be " + expected + ", got " + kind(given));
  }

  private static String kind(JsonNode v) {
    if (v.isTextual()) {
      return "the string '" + v.textValue() + "'";
    }
    if (v.isNumber() || v.isBoolean()) {
      return v.asText();
    }
    return v.isArray() ? "a list" : "a mapping";
  }

  private static String at(JsonLocation location) {
    if (location == null || location.getLineNr() < 1) {
      return "";
    }
    return " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
  }
}
