package dev.inference.nemotron.pod.tokenizer.jinja;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The chat-template goldens rendered by Python's jinja2 ({@code
 * src/test/resources/chat-goldens/render_goldens.py}): one file per template, each case with its
 * variables (or the file's shared ones) and either the expected text or the expected error.
 */
public final class Goldens {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One rendering of one template. */
  public record Case(
      String template, String name, Map<String, Object> variables, String expected, String error) {
    @Override
    public String toString() {
      return template + ": " + name;
    }
  }

  private Goldens() {}

  /** The cases of {@code goldens/<name>.json}. */
  public static List<Case> cases(String name) {
    JsonNode root = readJson("goldens/" + name + ".json");
    List<Case> cases = new ArrayList<>();
    for (JsonNode c : root.get("cases")) {
      @SuppressWarnings("unchecked")
      Map<String, Object> variables =
          (Map<String, Object>)
              value(c.has("variables") ? c.get("variables") : root.get("variables"));
      cases.add(
          new Case(
              name,
              c.get("name").asText(),
              variables,
              c.has("expected") ? c.get("expected").asText() : null,
              c.has("expected_error") ? c.get("expected_error").asText() : null));
    }
    if (cases.isEmpty()) {
      throw new IllegalStateException("goldens/" + name + ".json has no cases");
    }
    return cases;
  }

  /** The text of a hand-written template under {@code chat-goldens/templates}. */
  public static String template(String file) {
    try (InputStream in = resource("templates/" + file)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JsonNode readJson(String path) {
    try (InputStream in = resource(path)) {
      return JSON.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static InputStream resource(String path) {
    InputStream in = Goldens.class.getResourceAsStream("/chat-goldens/" + path);
    if (in == null) {
      throw new IllegalStateException(
          "missing test resource chat-goldens/" + path + ": run render_goldens.py");
    }
    return in;
  }

  /** A JSON value as a template variable: objects keep their key order, ints stay ints. */
  public static Object value(JsonNode node) {
    if (node.isObject()) {
      Map<String, Object> map = new LinkedHashMap<>();
      node.properties().forEach(e -> map.put(e.getKey(), value(e.getValue())));
      return map;
    }
    if (node.isArray()) {
      List<Object> list = new ArrayList<>();
      node.forEach(item -> list.add(value(item)));
      return list;
    }
    if (node.isIntegralNumber()) {
      return node.longValue();
    }
    if (node.isNumber()) {
      return node.doubleValue();
    }
    if (node.isBoolean()) {
      return node.booleanValue();
    }
    return node.isNull() ? null : node.asText();
  }
}
