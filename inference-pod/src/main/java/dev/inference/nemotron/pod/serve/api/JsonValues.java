package dev.inference.nemotron.pod.serve.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.regex.Pattern;

/**
 * Typed reads of request JSON with errors that name the field, say what was given and what is
 * allowed. JSON {@code null} counts as absent everywhere: clients send it for unset options.
 */
final class JsonValues {

  /** Deeper than any OpenAI request needs; bounds the parser's work on hostile bodies. */
  static final int MAX_NESTING_DEPTH = 32;

  /** Longer than any number a request needs (a 64-bit seed has 20 digits). */
  static final int MAX_NUMBER_LENGTH = 64;

  private static final ObjectMapper JSON =
      JsonMapper.builder(
              JsonFactory.builder()
                  .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                  .streamReadConstraints(
                      StreamReadConstraints.builder()
                          .maxNestingDepth(MAX_NESTING_DEPTH)
                          .maxNumberLength(MAX_NUMBER_LENGTH)
                          .build())
                  .build())
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private static final int SHOWN_CHARS = 40;

  /** Jackson's "[Source: REDACTED (...); line: 1, column: 1]": the source is noise to a client. */
  private static final Pattern SOURCE = Pattern.compile("\\[Source: [^;]*; ");

  private JsonValues() {}

  /** The body as a JSON object; a 400 for an empty body, invalid JSON or another JSON type. */
  static ObjectNode parseObject(byte[] body) {
    if (blank(body)) {
      throw ApiError.invalidRequest(
          null, "request body is empty: send a JSON object such as {\"model\": ..., ...}");
    }
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (StreamConstraintsException e) {
      String limit = e.getOriginalMessage();
      throw ApiError.invalidRequest(
          null,
          limit.contains("nesting depth")
              ? "request body nests arrays and objects deeper than %d levels"
                  .formatted(MAX_NESTING_DEPTH)
              : limit.contains("Number value length")
                  ? "request body holds a number longer than %d characters"
                      .formatted(MAX_NUMBER_LENGTH)
                  : "request body exceeds a parser limit: " + limit);
    } catch (MismatchedInputException e) {
      // Only FAIL_ON_TRAILING_TOKENS gets here: reading a tree accepts any JSON value.
      throw ApiError.invalidRequest(
          null,
          "request body is not valid JSON: more content after the end of the object"
              + at(e.getLocation()));
    } catch (JsonProcessingException e) {
      String problem = SOURCE.matcher(e.getOriginalMessage()).replaceAll("[");
      throw ApiError.invalidRequest(
          null, "request body is not valid JSON: " + problem + at(e.getLocation()));
    } catch (IOException e) {
      throw new UncheckedIOException("reading a byte array does no I/O", e);
    }
    if (!root.isObject()) {
      throw ApiError.invalidRequest(
          null, "request body must be a JSON object, got " + describe(root));
    }
    return (ObjectNode) root;
  }

  /** Whether the field is missing or JSON null. */
  static boolean absent(JsonNode value) {
    return value == null || value.isNull();
  }

  /** A string field. */
  static String string(JsonNode value, String param) {
    if (!value.isTextual()) {
      throw typeError(param, "a string", value);
    }
    return value.textValue();
  }

  /** A boolean field, {@code orElse} when absent. */
  static boolean bool(JsonNode value, String param, boolean orElse) {
    if (absent(value)) {
      return orElse;
    }
    if (!value.isBoolean()) {
      throw typeError(param, "a boolean (true or false)", value);
    }
    return value.booleanValue();
  }

  /** A number field (integer or not), {@code orElse} when absent. */
  static double number(JsonNode value, String param, double orElse) {
    if (absent(value)) {
      return orElse;
    }
    if (!value.isNumber()) {
      throw typeError(param, "a number", value);
    }
    return value.doubleValue();
  }

  /** An integer in [min, max]; non-integral numbers such as 16.0 are rejected. */
  static long integer(JsonNode value, String param, long min, long max) {
    if (!value.isIntegralNumber()) {
      throw typeError(param, "an integer", value);
    }
    BigInteger given = value.bigIntegerValue();
    boolean tooSmall = given.compareTo(BigInteger.valueOf(min)) < 0;
    boolean tooLarge = given.compareTo(BigInteger.valueOf(max)) > 0;
    if (tooSmall || tooLarge) {
      boolean unbounded = max == Integer.MAX_VALUE || max == Long.MAX_VALUE;
      String allowed =
          !unbounded ? "between " + min + " and " + max : tooSmall ? ">= " + min : "at most " + max;
      throw ApiError.invalidRequest(param, param + " must be " + allowed + ", got " + given);
    }
    return given.longValue();
  }

  /** An object field, or null when absent. */
  static ObjectNode object(JsonNode value, String param, String shape) {
    if (absent(value)) {
      return null;
    }
    if (!value.isObject()) {
      throw typeError(param, shape, value);
    }
    return (ObjectNode) value;
  }

  /** A 400 saying the field has the wrong JSON type. */
  static ApiError typeError(String param, String expected, JsonNode given) {
    return ApiError.invalidRequest(
        param, param + " must be " + expected + ", got " + describe(given));
  }

  /** A short, readable rendering of a JSON value for an error message. */
  static String describe(JsonNode value) {
    if (value == null || value.isNull()) {
      return "null";
    }
    if (value.isTextual()) {
      String text = value.textValue();
      String shown = text.length() > SHOWN_CHARS ? text.substring(0, SHOWN_CHARS) + "..." : text;
      return "the string \"" + shown + "\"";
    }
    if (value.isNumber() || value.isBoolean()) {
      return value.asText();
    }
    if (value.isArray()) {
      return value.isEmpty() ? "an empty array" : "an array";
    }
    return value.isEmpty() ? "an empty object" : "an object";
  }

  private static boolean blank(byte[] body) {
    if (body != null) {
      for (byte b : body) {
        if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
          return false;
        }
      }
    }
    return true;
  }

  private static String at(JsonLocation location) {
    if (location == null || location.getLineNr() < 1) {
      return "";
    }
    return " (at line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
  }
}
