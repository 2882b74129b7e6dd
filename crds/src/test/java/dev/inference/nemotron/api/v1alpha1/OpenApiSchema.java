package dev.inference.nemotron.api.v1alpha1;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.re2j.Pattern;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The parts of a structural CRD schema that the API server applies before CEL rules run:
 * defaulting, then types, enums, ranges, lengths, patterns (RE2, like the API server), required and
 * unknown fields. It stands in for a real API server, which cannot run here (see BUILD-NOTES).
 */
final class OpenApiSchema {

  /** Fields every object has at the root, outside the CRD's own schema. */
  private static final Set<String> ROOT_FIELDS = Set.of("apiVersion", "kind", "metadata");

  private final JsonNode root;

  OpenApiSchema(JsonNode root) {
    this.root = root;
  }

  /**
   * Applies schema defaults in place, as the API server does: an absent property with a default
   * gets a copy of it, and the defaulting goes on inside that copy.
   */
  void applyDefaults(JsonNode value) {
    applyDefaults(root, value);
  }

  /** Applies the defaults of one schema node to a value of that node, in place. */
  static void applyDefaults(JsonNode schema, JsonNode value) {
    if (value instanceof ObjectNode object) {
      for (Map.Entry<String, JsonNode> property : schema.path("properties").properties()) {
        String name = property.getKey();
        JsonNode propertySchema = property.getValue();
        if (!object.has(name) && propertySchema.has("default")) {
          object.set(name, propertySchema.get("default").deepCopy());
        }
        if (object.has(name)) {
          applyDefaults(propertySchema, object.get(name));
        }
      }
      JsonNode additional = schema.path("additionalProperties");
      if (additional.isObject()) {
        object.forEach(v -> applyDefaults(additional, v));
      }
    } else if (value instanceof ArrayNode array && schema.has("items")) {
      array.forEach(item -> applyDefaults(schema.get("items"), item));
    }
  }

  /** Every structural error in the value, as "path: what is wrong"; empty when it is valid. */
  List<String> validate(JsonNode value) {
    List<String> errors = new ArrayList<>();
    validate(root, value, "", errors, true);
    return errors;
  }

  private static void validate(
      JsonNode schema, JsonNode value, String path, List<String> errors, boolean atRoot) {
    if (value.isNull()) {
      errors.add(path + ": null is not allowed (omit the field instead)");
      return;
    }
    if (schema.path("x-kubernetes-int-or-string").asBoolean()) {
      if (!(value.isIntegralNumber() || value.isTextual())) {
        errors.add(path + ": expected an integer or a string, got " + value.getNodeType());
      }
      return;
    }
    String type = schema.path("type").asText("");
    switch (type) {
      case "object" -> validateObject(schema, value, path, errors, atRoot);
      case "array" -> validateArray(schema, value, path, errors);
      case "string" -> validateString(schema, value, path, errors);
      case "integer" -> {
        if (!value.isIntegralNumber()) {
          errors.add(path + ": expected an integer, got " + value);
        } else {
          validateRange(schema, value.doubleValue(), path, errors);
        }
      }
      case "number" -> {
        if (!value.isNumber()) {
          errors.add(path + ": expected a number, got " + value);
        } else {
          validateRange(schema, value.doubleValue(), path, errors);
        }
      }
      case "boolean" -> {
        if (!value.isBoolean()) {
          errors.add(path + ": expected true or false, got " + value);
        }
      }
      default -> {
        if (!schema.path("x-kubernetes-preserve-unknown-fields").asBoolean()) {
          errors.add(path + ": the schema has no type here: " + schema);
        }
      }
    }
  }

  private static void validateObject(
      JsonNode schema, JsonNode value, String path, List<String> errors, boolean atRoot) {
    if (!value.isObject()) {
      errors.add(path + ": expected an object, got " + value.getNodeType());
      return;
    }
    for (JsonNode required : schema.path("required")) {
      if (!value.has(required.asText())) {
        errors.add(path + "." + required.asText() + ": required");
      }
    }
    JsonNode properties = schema.path("properties");
    JsonNode additional = schema.path("additionalProperties");
    boolean openObject =
        schema.path("x-kubernetes-preserve-unknown-fields").asBoolean()
            || (!schema.has("properties") && !additional.isObject());
    for (Iterator<Map.Entry<String, JsonNode>> it = value.properties().iterator(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      String fieldPath = path + "." + field.getKey();
      if (properties.has(field.getKey())) {
        validate(properties.get(field.getKey()), field.getValue(), fieldPath, errors, false);
      } else if (additional.isObject()) {
        validate(additional, field.getValue(), fieldPath, errors, false);
      } else if (!openObject && !(atRoot && ROOT_FIELDS.contains(field.getKey()))) {
        errors.add(fieldPath + ": unknown field");
      }
    }
  }

  private static void validateArray(
      JsonNode schema, JsonNode value, String path, List<String> errors) {
    if (!value.isArray()) {
      errors.add(path + ": expected a list, got " + value.getNodeType());
      return;
    }
    if (schema.has("maxItems") && value.size() > schema.get("maxItems").asInt()) {
      errors.add(path + ": at most " + schema.get("maxItems").asInt() + " items");
    }
    for (int i = 0; i < value.size(); i++) {
      validate(schema.path("items"), value.get(i), path + "[" + i + "]", errors, false);
    }
    if ("map".equals(schema.path("x-kubernetes-list-type").asText())) {
      validateListMapKeys(schema.path("x-kubernetes-list-map-keys"), value, path, errors);
    }
  }

  /** A list-type map holds at most one entry per key, as server-side apply merges by it. */
  private static void validateListMapKeys(
      JsonNode keys, JsonNode list, String path, List<String> errors) {
    Set<List<JsonNode>> seen = new HashSet<>();
    for (int i = 0; i < list.size(); i++) {
      List<JsonNode> key = new ArrayList<>();
      List<String> described = new ArrayList<>();
      for (JsonNode name : keys) {
        JsonNode part = list.get(i).path(name.asText());
        key.add(part);
        described.add(name.asText() + "=" + part);
      }
      if (!seen.add(key)) {
        errors.add(path + "[" + i + "]: duplicate entry with " + String.join(", ", described));
      }
    }
  }

  private static void validateString(
      JsonNode schema, JsonNode value, String path, List<String> errors) {
    if (!value.isTextual()) {
      errors.add(path + ": expected a string, got " + value);
      return;
    }
    String text = value.asText();
    if (schema.has("enum")) {
      boolean listed = false;
      for (JsonNode allowed : schema.get("enum")) {
        listed |= allowed.asText().equals(text);
      }
      if (!listed) {
        errors.add(path + ": \"" + text + "\" is not one of " + schema.get("enum"));
      }
    }
    if (schema.has("pattern") && !Pattern.compile(schema.get("pattern").asText()).matches(text)) {
      errors.add(path + ": \"" + text + "\" does not match " + schema.get("pattern").asText());
    }
    int length = text.codePointCount(0, text.length());
    if (schema.has("maxLength") && length > schema.get("maxLength").asInt()) {
      errors.add(path + ": longer than " + schema.get("maxLength").asInt() + " characters");
    }
    if (schema.has("minLength") && length < schema.get("minLength").asInt()) {
      errors.add(path + ": shorter than " + schema.get("minLength").asInt() + " characters");
    }
  }

  private static void validateRange(
      JsonNode schema, double number, String path, List<String> errors) {
    if (schema.has("minimum")) {
      double min = schema.get("minimum").asDouble();
      boolean exclusive = schema.path("exclusiveMinimum").asBoolean();
      if (exclusive ? number <= min : number < min) {
        errors.add(path + ": " + number + " is below the minimum " + min);
      }
    }
    if (schema.has("maximum")) {
      double max = schema.get("maximum").asDouble();
      boolean exclusive = schema.path("exclusiveMaximum").asBoolean();
      if (exclusive ? number >= max : number > max) {
        errors.add(path + ": " + number + " is above the maximum " + max);
      }
    }
  }
}
