package dev.inference.nemotron.pod.serve.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * A request that the server answers with an OpenAI-style error: an HTTP status and the body {@code
 * {"error":{"message":...,"type":...,"param":...,"code":...}}}. Thrown by the request parsers and
 * by admission; the HTTP layer catches it, sets the status (and {@code Retry-After} when {@link
 * #retryAfterSeconds()} is present) and writes {@link #toJson()}.
 *
 * <p>It carries no stack trace: it is an expected answer to a client's mistake or to load, made
 * often, and the message says everything.
 */
public final class ApiError extends RuntimeException {

  /** OpenAI's {@code type} for a request the client must change. */
  public static final String INVALID_REQUEST = "invalid_request_error";

  /** OpenAI's {@code type} for a missing or wrong API key. */
  public static final String AUTHENTICATION = "authentication_error";

  /** OpenAI's {@code type} for a key that may not do what it asked. */
  public static final String PERMISSION = "permission_error";

  /** OpenAI's {@code type} for a path that does not exist. */
  public static final String NOT_FOUND = "not_found_error";

  /** OpenAI's {@code type} for a client over its limits or a server whose queue is full. */
  public static final String RATE_LIMIT = "rate_limit_error";

  /** OpenAI's {@code type} for the server's own failures and unavailability. */
  public static final String SERVER = "server_error";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final int status;
  private final String type;
  private final String param;
  private final String code;
  private final OptionalInt retryAfterSeconds;

  /**
   * An error answer.
   *
   * @param status the HTTP status, 400 to 599
   * @param type OpenAI's error type, e.g. {@link #INVALID_REQUEST}
   * @param param the request field at fault, e.g. {@code max_tokens} or {@code messages[2].role};
   *     null when no one field is
   * @param code a machine-readable code, e.g. {@code model_not_found}; null when none applies
   * @param message what went wrong and what to do, for a person
   * @param retryAfterSeconds when to try again (429 and 503), empty otherwise
   */
  public ApiError(
      int status,
      String type,
      String param,
      String code,
      String message,
      OptionalInt retryAfterSeconds) {
    super(Objects.requireNonNull(message, "message"), null, false, false);
    if (status < 400 || status > 599) {
      throw new IllegalArgumentException("an error status is 4xx or 5xx, got " + status);
    }
    this.status = status;
    this.type = Objects.requireNonNull(type, "type");
    this.param = param;
    this.code = code;
    this.retryAfterSeconds = Objects.requireNonNull(retryAfterSeconds, "retryAfterSeconds");
    retryAfterSeconds.ifPresent(
        s -> {
          if (s < 0) {
            throw new IllegalArgumentException("Retry-After must be >= 0 seconds, got " + s);
          }
        });
  }

  /** 400: a request field is wrong; {@code param} names it (null for the body as a whole). */
  public static ApiError invalidRequest(String param, String message) {
    return new ApiError(400, INVALID_REQUEST, param, null, message, OptionalInt.empty());
  }

  /** 400: the request asks for something that changes results and this server does not do. */
  public static ApiError unsupported(String param, String message) {
    return new ApiError(400, INVALID_REQUEST, param, "unsupported_parameter", message, none());
  }

  /**
   * 400: the prompt and the completion do not fit the context, worded like OpenAI's own error.
   *
   * @param param the prompt's field: {@code prompt} or {@code messages}
   * @param maxTokens the tokens the request asked for; null when it named none (then the prompt
   *     alone fills the context)
   */
  public static ApiError contextLengthExceeded(
      String param, int contextLength, int promptTokens, Integer maxTokens) {
    String detail =
        maxTokens == null
            ? "However, your %s resulted in %d tokens, leaving no room for a completion."
                .formatted(param, promptTokens)
            : "However, you requested %d tokens (%d in the %s, %d in the completion)."
                .formatted(promptTokens + (long) maxTokens, promptTokens, param, maxTokens);
    return new ApiError(
        400,
        INVALID_REQUEST,
        maxTokens == null ? param : "max_tokens",
        "context_length_exceeded",
        "This model's maximum context length is %d tokens. %s Reduce the length of the %s or of the completion (max_tokens)."
            .formatted(contextLength, detail, param),
        none());
  }

  /** 404: the request names a model this server does not serve; lists the ones it does. */
  public static ApiError unknownModel(String name, List<String> served) {
    return new ApiError(
        404,
        INVALID_REQUEST,
        "model",
        "model_not_found",
        "The model '%s' does not exist on this server; it serves: %s (see GET /v1/models)."
            .formatted(name, String.join(", ", served)),
        none());
  }

  /** 401: no API key or a wrong one. */
  public static ApiError unauthorized(String message) {
    return new ApiError(401, AUTHENTICATION, null, "invalid_api_key", message, none());
  }

  /** 403: the key is valid but may not do this. */
  public static ApiError forbidden(String message) {
    return new ApiError(403, PERMISSION, null, null, message, none());
  }

  /** 429: the client (its tenant) is over a limit; it may retry after the given time. */
  public static ApiError rateLimited(String message, int retryAfterSeconds) {
    return new ApiError(
        429, RATE_LIMIT, null, "rate_limit_exceeded", message, OptionalInt.of(retryAfterSeconds));
  }

  /** 429: the server's bounded queue is full; backpressure, not the client's fault. */
  public static ApiError queueFull(int retryAfterSeconds) {
    return new ApiError(
        429,
        RATE_LIMIT,
        null,
        "queue_full",
        "The server is at capacity (its request queue is full); retry after %d s or send to another replica."
            .formatted(retryAfterSeconds),
        OptionalInt.of(retryAfterSeconds));
  }

  /** 413: the request body is larger than the server accepts. */
  public static ApiError tooLarge(long limitBytes) {
    return new ApiError(
        413,
        INVALID_REQUEST,
        null,
        "request_too_large",
        "The request body is larger than this server accepts (%d bytes); send a shorter prompt or fewer prompts per request."
            .formatted(limitBytes),
        none());
  }

  /** 415: the body is not declared as JSON. */
  public static ApiError unsupportedMediaType(String contentType) {
    return new ApiError(
        415,
        INVALID_REQUEST,
        null,
        "unsupported_media_type",
        "The request body must be JSON (Content-Type: application/json), got Content-Type: %s."
            .formatted(contentType == null || contentType.isBlank() ? "(none)" : contentType),
        none());
  }

  /** 404: no such path. */
  public static ApiError notFound(String path) {
    return new ApiError(
        404,
        NOT_FOUND,
        null,
        "not_found",
        "There is no endpoint %s on this server; it serves /v1/completions, /v1/chat/completions and /v1/models."
            .formatted(path),
        none());
  }

  /** 405: the path exists but not for this method. */
  public static ApiError methodNotAllowed(String method, String path) {
    return new ApiError(
        405,
        INVALID_REQUEST,
        null,
        "method_not_allowed",
        "%s is not allowed on %s.".formatted(method, path),
        none());
  }

  /** 503: the server cannot take requests now (weights still loading, or draining to stop). */
  public static ApiError unavailable(String message, int retryAfterSeconds) {
    return new ApiError(
        503, SERVER, null, "service_unavailable", message, OptionalInt.of(retryAfterSeconds));
  }

  /** 500: the server failed; the message must not leak internals a client cannot act on. */
  public static ApiError internal(String message) {
    return new ApiError(500, SERVER, null, null, message, none());
  }

  /** The HTTP status. */
  public int status() {
    return status;
  }

  /** OpenAI's error {@code type}. */
  public String type() {
    return type;
  }

  /** The request field at fault, or null. */
  public String param() {
    return param;
  }

  /** The machine-readable code, or null. */
  public String code() {
    return code;
  }

  /** Seconds for the {@code Retry-After} header; present on 429 and 503. */
  public OptionalInt retryAfterSeconds() {
    return retryAfterSeconds;
  }

  /** The body: {@code {"error":{"message":...,"type":...,"param":...,"code":...}}}. */
  public byte[] toJson() {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode error = root.putObject("error");
    error.put("message", getMessage());
    error.put("type", type);
    error.put("param", param);
    error.put("code", code);
    try {
      return JSON.writeValueAsBytes(root);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("a tree of strings always serializes", e);
    }
  }

  @Override
  public String toString() {
    return "ApiError["
        + status
        + " "
        + type
        + (param == null ? "" : " " + param)
        + "]: "
        + getMessage();
  }

  private static OptionalInt none() {
    return OptionalInt.empty();
  }
}
