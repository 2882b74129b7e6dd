package dev.inference.nemotron.pod.serve.api;

import static dev.inference.nemotron.pod.serve.api.JsonValues.absent;
import static dev.inference.nemotron.pod.serve.api.JsonValues.describe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * OpenAI (and vLLM) request fields this server does not implement. A field at its neutral value (a
 * zero penalty, an empty {@code logit_bias}, {@code logprobs: false}, ...) is accepted, because
 * clients send those by default; any other value would change the result the client expects, so it
 * is a 400 that names the field. Fields that change nothing (e.g. {@code user}, {@code store},
 * {@code metadata}, {@code service_tier}, {@code parallel_tool_calls}) are ignored, and so are
 * fields no one defined: clients send extras.
 */
final class UnsupportedFields {

  private static final List<String> GUIDED_DECODING =
      List.of("guided_json", "guided_regex", "guided_choice", "guided_grammar");

  private UnsupportedFields() {}

  /** Checks the fields both endpoints share. */
  static void checkCommon(ObjectNode body) {
    neutralNumber(body, "frequency_penalty", 0);
    neutralNumber(body, "presence_penalty", 0);
    neutralNumber(body, "repetition_penalty", 1);
    neutralNumber(body, "min_p", 0);
    JsonNode bias = body.get("logit_bias");
    if (JsonValues.object(bias, "logit_bias", "an object mapping token ids to biases") != null
        && !bias.isEmpty()) {
      throw unsupported("logit_bias", "logit_bias is not supported by this server; remove it");
    }
    ObjectNode format =
        JsonValues.object(
            body.get("response_format"),
            "response_format",
            "an object such as {\"type\": \"text\"}");
    if (format != null) {
      JsonNode type = format.get("type");
      if (absent(type)) {
        throw ApiError.invalidRequest(
            "response_format.type", "response_format.type is required, e.g. \"text\"");
      }
      String name = JsonValues.string(type, "response_format.type");
      if (!name.equals("text")) {
        throw unsupported(
            "response_format",
            "response_format type '%s' is not supported: this server generates free text only ({\"type\": \"text\"})"
                .formatted(name));
      }
    }
    if (!absent(body.get("top_logprobs"))
        && JsonValues.integer(body.get("top_logprobs"), "top_logprobs", 0, 20) > 0) {
      throw unsupported(
          "top_logprobs", "top_logprobs is not supported by this server; remove it or set it to 0");
    }
    for (String field : GUIDED_DECODING) {
      if (!absent(body.get(field))) {
        throw unsupported(
            field, field + " (guided decoding) is not supported by this server; remove it");
      }
    }
  }

  /** Checks the fields only {@code /v1/chat/completions} has. */
  static void checkChat(ObjectNode body) {
    if (JsonValues.bool(body.get("logprobs"), "logprobs", false)) {
      throw unsupported(
          "logprobs", "logprobs is not supported by this server; remove it or set it to false");
    }
    for (String field : List.of("tools", "functions")) {
      JsonNode value = body.get(field);
      if (absent(value)) {
        continue;
      }
      if (!value.isArray()) {
        throw JsonValues.typeError(field, "an array", value);
      }
      if (!value.isEmpty()) {
        throw unsupported(
            field, field + ": tool calling is not supported by this server; remove " + field);
      }
    }
    for (String field : List.of("tool_choice", "function_call")) {
      JsonNode value = body.get(field);
      if (absent(value)) {
        continue;
      }
      if (value.isTextual() && List.of("none", "auto").contains(value.textValue())) {
        continue;
      }
      throw unsupported(
          field,
          field
              + " "
              + describe(value)
              + " is not supported: this server does no tool calling (\"none\" and \"auto\" are accepted)");
    }
    if (!absent(body.get("audio"))) {
      throw unsupported("audio", "audio output is not supported by this server; remove audio");
    }
    JsonNode modalities = body.get("modalities");
    if (!absent(modalities)) {
      if (!modalities.isArray()) {
        throw JsonValues.typeError("modalities", "an array such as [\"text\"]", modalities);
      }
      for (JsonNode m : modalities) {
        if (!m.isTextual() || !m.textValue().equals("text")) {
          throw unsupported(
              "modalities",
              "modalities " + describe(m) + " is not supported: this server outputs text only");
        }
      }
    }
    if (!absent(body.get("web_search_options"))) {
      throw unsupported(
          "web_search_options", "web search is not supported by this server; remove it");
    }
  }

  /** Checks the fields only {@code /v1/completions} has. */
  static void checkCompletion(ObjectNode body) {
    if (!absent(body.get("logprobs"))) {
      JsonValues.integer(body.get("logprobs"), "logprobs", 0, 5);
      throw unsupported("logprobs", "logprobs is not supported by this server; remove it");
    }
    if (JsonValues.bool(body.get("echo"), "echo", false)) {
      throw unsupported(
          "echo", "echo is not supported by this server; remove it or set it to false");
    }
    if (!absent(body.get("best_of"))
        && JsonValues.integer(body.get("best_of"), "best_of", 1, 20) > 1) {
      throw unsupported(
          "best_of", "best_of > 1 is not supported by this server; use n for several choices");
    }
    JsonNode suffix = body.get("suffix");
    if (!absent(suffix) && !JsonValues.string(suffix, "suffix").isEmpty()) {
      throw unsupported("suffix", "suffix (insertion) is not supported by this server; remove it");
    }
  }

  private static void neutralNumber(ObjectNode body, String field, int neutral) {
    JsonNode value = body.get(field);
    if (!absent(value) && JsonValues.number(value, field, neutral) != neutral) {
      throw unsupported(
          field,
          "%s is not supported by this server: only %d (no effect) is accepted, got %s"
              .formatted(field, neutral, describe(value)));
    }
  }

  private static ApiError unsupported(String param, String message) {
    return ApiError.unsupported(param, message);
  }
}
