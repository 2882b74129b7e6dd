package dev.inference.nemotron.pod.load;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The request every client sends, and how long a 429 makes it wait. */
class LoadStreamClientTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static LoadPlan plan(boolean chat, String mode) {
    return new LoadPlan(
        URI.create("http://127.0.0.1:8080"),
        "tiny-chat",
        List.of(1, 4),
        0,
        32,
        "Tell me a story",
        mode,
        null,
        chat,
        2,
        3);
  }

  @Test
  void aCompletionRequestIsGreedyStreamedWithUsageAndRunsToMaxTokens() throws Exception {
    JsonNode body = JSON.readTree(StreamClient.body(plan(false, "diffusion")));

    assertThat(body.get("model").asText()).isEqualTo("tiny-chat");
    assertThat(body.get("prompt").asText()).isEqualTo("Tell me a story");
    assertThat(body.get("max_tokens").asInt()).isEqualTo(32);
    assertThat(body.get("temperature").asDouble()).isZero();
    assertThat(body.get("ignore_eos").asBoolean()).isTrue();
    assertThat(body.get("stream").asBoolean()).isTrue();
    assertThat(body.get("stream_options").get("include_usage").asBoolean()).isTrue();
    assertThat(body.get("mode").asText()).isEqualTo("diffusion");
  }

  @Test
  void aChatRequestSendsThePromptAsTheUserMessageAndNoModeUnlessAsked() throws Exception {
    JsonNode body = JSON.readTree(StreamClient.body(plan(true, null)));

    assertThat(body.has("prompt")).isFalse();
    assertThat(body.has("mode")).isFalse();
    assertThat(body.get("messages").get(0).get("role").asText()).isEqualTo("user");
    assertThat(body.get("messages").get(0).get("content").asText()).isEqualTo("Tell me a story");
    assertThat(plan(true, null).path()).isEqualTo("/v1/chat/completions");
    assertThat(plan(false, null).path()).isEqualTo("/v1/completions");
  }

  @Test
  void theDefaultRequestsPerLevelAreTwiceTheClientsAndAtLeastFour() {
    LoadPlan plan = plan(false, null);

    assertThat(plan.requestsAt(1)).isEqualTo(4);
    assertThat(plan.requestsAt(2)).isEqualTo(4);
    assertThat(plan.requestsAt(16)).isEqualTo(32);
  }

  @Test
  void retryAfterIsReadInSecondsOrAsADateAndBounded() {
    assertThat(StreamClient.retryAfter(Optional.of("2"))).isEqualTo(Duration.ofSeconds(2));
    assertThat(StreamClient.retryAfter(Optional.of(" 0 "))).isEqualTo(Duration.ZERO);
    assertThat(StreamClient.retryAfter(Optional.of("86400")))
        .isEqualTo(StreamClient.MAX_RETRY_AFTER);
    assertThat(StreamClient.retryAfter(Optional.empty()))
        .isEqualTo(StreamClient.DEFAULT_RETRY_AFTER);
    assertThat(StreamClient.retryAfter(Optional.of("soon")))
        .isEqualTo(StreamClient.DEFAULT_RETRY_AFTER);
    String inTenSeconds =
        DateTimeFormatter.RFC_1123_DATE_TIME.format(
            ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(10));
    assertThat(StreamClient.retryAfter(Optional.of(inTenSeconds)))
        .isBetween(Duration.ofSeconds(8), Duration.ofSeconds(10));
    String past =
        DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).minusDays(1));
    assertThat(StreamClient.retryAfter(Optional.of(past))).isEqualTo(Duration.ZERO);
  }
}
