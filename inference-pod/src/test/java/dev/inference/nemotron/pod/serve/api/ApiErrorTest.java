package dev.inference.nemotron.pod.serve.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class ApiErrorTest {

  @Test
  void rendersOpenAisErrorObjectExactly() {
    ApiError error = ApiError.invalidRequest("max_tokens", "max_tokens must be an integer");

    assertThat(new String(error.toJson(), StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"error\":{\"message\":\"max_tokens must be an integer\","
                + "\"type\":\"invalid_request_error\",\"param\":\"max_tokens\",\"code\":null}}");
  }

  @Test
  void absentParamAndCodeAreJsonNull() {
    ApiError error = ApiError.invalidRequest(null, "request body is empty");

    assertThat(new String(error.toJson(), StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"error\":{\"message\":\"request body is empty\","
                + "\"type\":\"invalid_request_error\",\"param\":null,\"code\":null}}");
  }

  @Test
  void messagesAreEscaped() {
    ApiError error = ApiError.invalidRequest("stop", "got \"a\nb\"");

    assertThat(new String(error.toJson(), StandardCharsets.UTF_8))
        .contains("\"message\":\"got \\\"a\\nb\\\"\"");
  }

  @Test
  void factoriesSetStatusTypeAndCode() {
    assertError(ApiError.unknownModel("gpt-4", List.of("nemotron-8b")), 404, "model_not_found");
    assertThat(ApiError.unknownModel("gpt-4", List.of("nemotron-8b")).getMessage())
        .contains("'gpt-4'")
        .contains("nemotron-8b");
    assertThat(ApiError.unknownModel("gpt-4", List.of()).param()).isEqualTo("model");
    assertError(ApiError.unauthorized("missing key"), 401, "invalid_api_key");
    assertThat(ApiError.unauthorized("x").type()).isEqualTo("authentication_error");
    assertThat(ApiError.forbidden("x").type()).isEqualTo("permission_error");
    assertThat(ApiError.forbidden("x").status()).isEqualTo(403);
    assertError(
        ApiError.rateLimited("tenant over 200000 tokens/min", 12), 429, "rate_limit_exceeded");
    assertThat(ApiError.rateLimited("x", 12).type()).isEqualTo("rate_limit_error");
    assertError(ApiError.queueFull(2), 429, "queue_full");
    assertError(ApiError.tooLarge(1 << 20), 413, "request_too_large");
    assertThat(ApiError.tooLarge(1 << 20).getMessage()).contains("1048576 bytes");
    assertError(ApiError.unsupportedMediaType("text/plain"), 415, "unsupported_media_type");
    assertThat(ApiError.unsupportedMediaType(null).getMessage()).contains("(none)");
    assertError(ApiError.notFound("/v2/foo"), 404, "not_found");
    assertThat(ApiError.notFound("/v2/foo").type()).isEqualTo("not_found_error");
    assertError(ApiError.methodNotAllowed("GET", "/v1/completions"), 405, "method_not_allowed");
    assertThat(ApiError.methodNotAllowed("GET", "/v1/completions").getMessage())
        .isEqualTo("GET is not allowed on /v1/completions.");
    assertError(ApiError.unavailable("loading weights", 5), 503, "service_unavailable");
    assertThat(ApiError.unavailable("x", 5).type()).isEqualTo("server_error");
    assertError(ApiError.internal("decoder failed"), 500, null);
  }

  @Test
  void retryAfterOnlyWhereTheClientShouldRetry() {
    assertThat(ApiError.rateLimited("x", 12).retryAfterSeconds()).hasValue(12);
    assertThat(ApiError.queueFull(3).retryAfterSeconds()).hasValue(3);
    assertThat(ApiError.unavailable("draining", 7).retryAfterSeconds()).hasValue(7);
    assertThat(ApiError.invalidRequest("n", "x").retryAfterSeconds()).isEmpty();
    assertThat(ApiError.tooLarge(10).retryAfterSeconds()).isEmpty();
  }

  @Test
  void contextLengthExceededIsWordedLikeOpenAi() {
    ApiError error = ApiError.contextLengthExceeded("messages", 8192, 8000, 500);

    assertThat(error.status()).isEqualTo(400);
    assertThat(error.code()).isEqualTo("context_length_exceeded");
    assertThat(error.param()).isEqualTo("max_tokens");
    assertThat(error.getMessage())
        .contains("maximum context length is 8192 tokens")
        .contains("you requested 8500 tokens (8000 in the messages, 500 in the completion)");
    assertThat(ApiError.contextLengthExceeded("prompt", 8192, 9000, null).param())
        .isEqualTo("prompt");
  }

  @Test
  void carriesNoStackTraceAndRejectsNonErrorStatuses() {
    assertThat(ApiError.invalidRequest("n", "x").getStackTrace()).isEmpty();
    assertThatThrownBy(
            () ->
                new ApiError(200, ApiError.INVALID_REQUEST, null, null, "ok", OptionalInt.empty()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static void assertError(ApiError error, int status, String code) {
    assertThat(error.status()).isEqualTo(status);
    assertThat(error.code()).isEqualTo(code);
    assertThat(error.toJson()).isNotEmpty();
  }
}
