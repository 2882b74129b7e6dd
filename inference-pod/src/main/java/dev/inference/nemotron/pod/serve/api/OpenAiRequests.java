package dev.inference.nemotron.pod.serve.api;

import static dev.inference.nemotron.pod.serve.api.JsonValues.absent;
import static dev.inference.nemotron.pod.serve.api.JsonValues.describe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.inference.nemotron.pod.serve.config.RequestMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Parses the bodies of {@code POST /v1/completions} and {@code POST /v1/chat/completions} into
 * typed requests, strictly: every wrong type, range or unsupported option is an {@link ApiError}
 * (400) whose {@code param} names the field and whose message says what was given and what is
 * allowed. Unset options get OpenAI's defaults. Which fields are ignored and which are rejected:
 * {@link UnsupportedFields}.
 */
public final class OpenAiRequests {

  /**
   * Bounds on one request.
   *
   * @param maxN most choices per prompt ({@code n})
   * @param maxStopStrings most {@code stop} strings (OpenAI: 4)
   * @param maxPromptChars most prompt characters in one request, summed over its prompts or
   *     messages; a token id counts as one
   * @param maxPrompts most prompts in one completion request (a batch of prompts)
   */
  public record Limits(int maxN, int maxStopStrings, int maxPromptChars, int maxPrompts) {

    /** 16 choices, 4 stop strings, 1 Mi characters, 64 prompts. */
    public static final Limits DEFAULTS = new Limits(16, 4, 1 << 20, 64);

    /** Checks that every bound is at least 1. */
    public Limits {
      if (maxN < 1 || maxStopStrings < 1 || maxPromptChars < 1 || maxPrompts < 1) {
        throw new IllegalArgumentException("request limits must be >= 1: " + this);
      }
    }
  }

  private static final List<String> ROLES = List.of("system", "user", "assistant", "developer");

  private OpenAiRequests() {}

  /** Parses a {@code POST /v1/completions} body. */
  public static CompletionRequest completion(byte[] body, Limits limits) {
    ObjectNode root = JsonValues.parseObject(body);
    String model = model(root);
    UnsupportedFields.checkCommon(root);
    UnsupportedFields.checkCompletion(root);
    List<Prompt> prompts = prompts(root.get("prompt"), limits);
    Streaming streaming = streaming(root);
    return new CompletionRequest(
        model,
        prompts,
        sampling(root, limits),
        n(root, limits),
        streaming.stream,
        streaming.includeUsage);
  }

  /** Parses a {@code POST /v1/chat/completions} body. */
  public static ChatRequest chat(byte[] body, Limits limits) {
    ObjectNode root = JsonValues.parseObject(body);
    String model = model(root);
    UnsupportedFields.checkCommon(root);
    UnsupportedFields.checkChat(root);
    List<Message> messages = messages(root.get("messages"), limits);
    Streaming streaming = streaming(root);
    return new ChatRequest(
        model,
        messages,
        sampling(root, limits),
        n(root, limits),
        streaming.stream,
        streaming.includeUsage,
        thinking(root));
  }

  private static String model(ObjectNode root) {
    JsonNode value = root.get("model");
    if (absent(value)) {
      throw ApiError.invalidRequest(
          "model", "model is required: name the model to use (GET /v1/models lists them)");
    }
    String model = JsonValues.string(value, "model");
    if (model.isBlank()) {
      throw ApiError.invalidRequest(
          "model", "model must not be empty: name the model to use (GET /v1/models lists them)");
    }
    return model;
  }

  private static int n(ObjectNode root, Limits limits) {
    JsonNode value = root.get("n");
    return absent(value) ? 1 : (int) JsonValues.integer(value, "n", 1, limits.maxN());
  }

  private record Streaming(boolean stream, boolean includeUsage) {}

  private static Streaming streaming(ObjectNode root) {
    boolean stream = JsonValues.bool(root.get("stream"), "stream", false);
    ObjectNode options =
        JsonValues.object(
            root.get("stream_options"),
            "stream_options",
            "an object such as {\"include_usage\": true}");
    if (options == null) {
      return new Streaming(stream, false);
    }
    if (!stream) {
      throw ApiError.invalidRequest(
          "stream_options",
          "stream_options is only allowed when stream is true; remove it or set stream to true");
    }
    return new Streaming(
        true, JsonValues.bool(options.get("include_usage"), "stream_options.include_usage", false));
  }

  private static SamplingOptions sampling(ObjectNode root, Limits limits) {
    double temperature =
        JsonValues.number(
            root.get("temperature"), "temperature", SamplingOptions.DEFAULT_TEMPERATURE);
    if (!(temperature >= 0 && temperature <= SamplingOptions.MAX_TEMPERATURE)) {
      throw ApiError.invalidRequest(
          "temperature",
          "temperature must be between 0 and 2, got " + describe(root.get("temperature")));
    }
    double topP = JsonValues.number(root.get("top_p"), "top_p", 1.0);
    if (!(topP > 0 && topP <= 1)) {
      throw ApiError.invalidRequest(
          "top_p",
          "top_p must be greater than 0 and at most 1, got " + describe(root.get("top_p")));
    }
    JsonNode topK = root.get("top_k");
    JsonNode seed = root.get("seed");
    return new SamplingOptions(
        maxTokens(root),
        temperature,
        topP,
        absent(topK) ? 0 : (int) JsonValues.integer(topK, "top_k", -1, Integer.MAX_VALUE),
        absent(seed) ? null : JsonValues.integer(seed, "seed", Long.MIN_VALUE, Long.MAX_VALUE),
        stop(root.get("stop"), limits),
        mode(root.get("mode")),
        JsonValues.bool(root.get("ignore_eos"), "ignore_eos", false));
  }

  private static Integer maxTokens(ObjectNode root) {
    Integer maxTokens = positiveInt(root.get("max_tokens"), "max_tokens");
    Integer maxCompletionTokens =
        positiveInt(root.get("max_completion_tokens"), "max_completion_tokens");
    if (maxTokens != null
        && maxCompletionTokens != null
        && !maxTokens.equals(maxCompletionTokens)) {
      throw ApiError.invalidRequest(
          "max_completion_tokens",
          "max_tokens (%d) and max_completion_tokens (%d) differ; give only one of them"
              .formatted(maxTokens, maxCompletionTokens));
    }
    return maxTokens != null ? maxTokens : maxCompletionTokens;
  }

  private static Integer positiveInt(JsonNode value, String param) {
    return absent(value) ? null : (int) JsonValues.integer(value, param, 1, Integer.MAX_VALUE);
  }

  private static List<String> stop(JsonNode value, Limits limits) {
    if (absent(value)) {
      return List.of();
    }
    List<String> stop = new ArrayList<>();
    if (value.isTextual()) {
      stop.add(value.textValue());
    } else if (value.isArray()) {
      if (value.size() > limits.maxStopStrings()) {
        throw ApiError.invalidRequest(
            "stop",
            "stop has %d strings; at most %d are allowed"
                .formatted(value.size(), limits.maxStopStrings()));
      }
      for (int i = 0; i < value.size(); i++) {
        JsonNode s = value.get(i);
        if (!s.isTextual()) {
          throw ApiError.invalidRequest(
              "stop", "stop[%d] must be a string, got %s".formatted(i, describe(s)));
        }
        stop.add(s.textValue());
      }
    } else {
      throw JsonValues.typeError("stop", "a string or an array of strings", value);
    }
    if (stop.contains("")) {
      throw ApiError.invalidRequest(
          "stop", "stop strings must not be empty; remove the empty string");
    }
    return stop;
  }

  private static Optional<String> mode(JsonNode value) {
    if (absent(value)) {
      return Optional.empty();
    }
    String mode = JsonValues.string(value, "mode");
    if (RequestMode.fromApiName(mode).isEmpty()) {
      throw ApiError.invalidRequest(
          "mode",
          "mode must be one of %s, got %s"
              .formatted(String.join(", ", RequestMode.apiNames()), describe(value)));
    }
    return Optional.of(mode);
  }

  private static boolean thinking(ObjectNode root) {
    ObjectNode kwargs =
        JsonValues.object(
            root.get("chat_template_kwargs"),
            "chat_template_kwargs",
            "an object such as {\"enable_thinking\": true}");
    if (kwargs == null) {
      return false;
    }
    for (String name : (Iterable<String>) kwargs::fieldNames) {
      if (!name.equals("enable_thinking")) {
        throw ApiError.unsupported(
            "chat_template_kwargs." + name,
            "chat_template_kwargs.%s is not supported; this server's chat template takes only enable_thinking"
                .formatted(name));
      }
    }
    return JsonValues.bool(
        kwargs.get("enable_thinking"), "chat_template_kwargs.enable_thinking", false);
  }

  private static List<Prompt> prompts(JsonNode value, Limits limits) {
    if (absent(value)) {
      throw ApiError.invalidRequest(
          "prompt",
          "prompt is required: a string, an array of strings, an array of token ids or an array"
              + " of token-id arrays");
    }
    List<Prompt> prompts = new ArrayList<>();
    if (value.isTextual()) {
      prompts.add(text(value, "prompt"));
    } else if (value.isArray()) {
      if (value.isEmpty()) {
        throw ApiError.invalidRequest("prompt", "prompt must not be empty");
      }
      JsonNode first = value.get(0);
      if (first.isNumber()) {
        prompts.add(tokens(value, "prompt"));
      } else if (!first.isTextual() && !first.isArray()) {
        throw ApiError.invalidRequest(
            "prompt",
            "prompt[0] must be a string, a token id or an array of token ids, got "
                + describe(first));
      } else {
        if (value.size() > limits.maxPrompts()) {
          throw ApiError.invalidRequest(
              "prompt",
              "prompt holds %d prompts; this server accepts at most %d per request"
                  .formatted(value.size(), limits.maxPrompts()));
        }
        boolean texts = first.isTextual();
        for (int i = 0; i < value.size(); i++) {
          JsonNode element = value.get(i);
          String param = "prompt[" + i + "]";
          if (texts && element.isTextual()) {
            prompts.add(text(element, param));
          } else if (!texts && element.isArray()) {
            prompts.add(tokens(element, param));
          } else {
            throw ApiError.invalidRequest(
                "prompt",
                "%s must be %s like prompt[0], got %s"
                    .formatted(
                        param, texts ? "a string" : "an array of token ids", describe(element)));
          }
        }
      }
    } else {
      throw JsonValues.typeError(
          "prompt",
          "a string, an array of strings, an array of token ids or an array of token-id arrays",
          value);
    }
    long chars = 0;
    for (Prompt p : prompts) {
      chars +=
          switch (p) {
            case Prompt.Text t -> t.text().length();
            case Prompt.Tokens t -> t.length();
          };
    }
    checkPromptSize("prompt", chars, limits);
    return prompts;
  }

  private static Prompt.Text text(JsonNode value, String param) {
    if (value.textValue().isEmpty()) {
      throw ApiError.invalidRequest("prompt", param + " must not be empty");
    }
    return new Prompt.Text(value.textValue());
  }

  private static Prompt.Tokens tokens(JsonNode array, String param) {
    if (array.isEmpty()) {
      throw ApiError.invalidRequest("prompt", param + " must not be empty");
    }
    int[] ids = new int[array.size()];
    for (int i = 0; i < ids.length; i++) {
      JsonNode id = array.get(i);
      if (!id.isIntegralNumber() || !id.canConvertToInt() || id.intValue() < 0) {
        throw ApiError.invalidRequest(
            "prompt",
            "%s[%d] must be a token id (an integer >= 0), got %s"
                .formatted(param, i, describe(id)));
      }
      ids[i] = id.intValue();
    }
    return new Prompt.Tokens(ids);
  }

  private static List<Message> messages(JsonNode value, Limits limits) {
    if (absent(value)) {
      throw ApiError.invalidRequest(
          "messages",
          "messages is required: a non-empty array of {\"role\": ..., \"content\": ...}");
    }
    if (!value.isArray()) {
      throw JsonValues.typeError("messages", "an array of messages", value);
    }
    if (value.isEmpty()) {
      throw ApiError.invalidRequest("messages", "messages must not be empty");
    }
    List<Message> messages = new ArrayList<>();
    long chars = 0;
    for (int i = 0; i < value.size(); i++) {
      Message m = message(value.get(i), "messages[" + i + "]");
      chars += m.content().length();
      messages.add(m);
    }
    checkPromptSize("messages", chars, limits);
    return messages;
  }

  private static Message message(JsonNode value, String param) {
    if (!value.isObject()) {
      throw JsonValues.typeError(param, "an object with role and content", value);
    }
    JsonNode roleNode = value.get("role");
    if (absent(roleNode)) {
      throw ApiError.invalidRequest(
          param + ".role", param + ".role is required: one of " + String.join(", ", ROLES));
    }
    String role = JsonValues.string(roleNode, param + ".role");
    if (role.equals("tool") || role.equals("function")) {
      throw ApiError.unsupported(
          param + ".role",
          "%s.role '%s' is not supported: this server does no tool calling".formatted(param, role));
    }
    if (!ROLES.contains(role)) {
      throw ApiError.invalidRequest(
          param + ".role",
          "%s.role must be one of %s, got %s"
              .formatted(param, String.join(", ", ROLES), describe(roleNode)));
    }
    for (String field : List.of("tool_calls", "function_call")) {
      JsonNode calls = value.get(field);
      if (!absent(calls) && !(calls.isArray() && calls.isEmpty())) {
        throw ApiError.unsupported(
            param + "." + field,
            "%s.%s is not supported: this server does no tool calling".formatted(param, field));
      }
    }
    String content = content(value.get("content"), param + ".content");
    return new Message(role.equals("developer") ? "system" : role, content);
  }

  private static String content(JsonNode value, String param) {
    if (absent(value)) {
      throw ApiError.invalidRequest(
          param, param + " is required: a string or an array of text parts");
    }
    if (value.isTextual()) {
      return value.textValue();
    }
    if (!value.isArray()) {
      throw JsonValues.typeError(param, "a string or an array of text parts", value);
    }
    List<String> texts = new ArrayList<>();
    for (int j = 0; j < value.size(); j++) {
      JsonNode part = value.get(j);
      String partParam = param + "[" + j + "]";
      if (!part.isObject()) {
        throw JsonValues.typeError(
            partParam, "an object such as {\"type\": \"text\", \"text\": ...}", part);
      }
      JsonNode type = part.get("type");
      if (absent(type)) {
        throw ApiError.invalidRequest(
            partParam + ".type", partParam + ".type is required: \"text\"");
      }
      String typeName = JsonValues.string(type, partParam + ".type");
      if (!typeName.equals("text")) {
        throw ApiError.unsupported(
            partParam + ".type",
            "only text content is supported: %s.type is '%s'".formatted(partParam, typeName));
      }
      JsonNode text = part.get("text");
      if (absent(text)) {
        throw ApiError.invalidRequest(
            partParam + ".text", partParam + ".text is required for a text part");
      }
      texts.add(JsonValues.string(text, partParam + ".text"));
    }
    return String.join("\n", texts);
  }

  private static void checkPromptSize(String param, long chars, Limits limits) {
    if (chars > limits.maxPromptChars()) {
      throw ApiError.invalidRequest(
          param,
          "%s is %d characters long; this server accepts at most %d per request"
              .formatted(param, chars, limits.maxPromptChars()));
    }
  }
}
