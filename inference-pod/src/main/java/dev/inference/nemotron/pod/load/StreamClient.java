package dev.inference.nemotron.pod.load;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * Sends the plan's streamed completion and measures it: every read of the body is timed as it
 * returns and fed to an {@link SseDecoder}, whose events a {@link CompletionStream} interprets. A
 * 429 is waited out ({@code Retry-After}, at most {@link #MAX_RETRY_AFTER}) and retried up to the
 * plan's limit. Safe for concurrent use: each call has its own decoder and stream.
 */
public final class StreamClient {
  /** The longest wait a {@code Retry-After} can ask for; longer answers are cut to it. */
  static final Duration MAX_RETRY_AFTER = Duration.ofSeconds(60);

  /** Without (or with an unreadable) {@code Retry-After}, a 429 is retried after this. */
  static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(1);

  // The server sends headers with the first chunk, so under load they can take a queue's wait.
  private static final Duration HEADERS_TIMEOUT = Duration.ofMinutes(10);
  private static final int ERROR_BODY_LIMIT = 64 * 1024;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http;
  private final LoadPlan plan;
  private final HttpRequest request;

  /** A client of {@code plan}'s server over {@code http}, which the caller closes. */
  public StreamClient(HttpClient http, LoadPlan plan) {
    this.http = http;
    this.plan = plan;
    HttpRequest.Builder b =
        HttpRequest.newBuilder(plan.resolve(plan.path()))
            .timeout(HEADERS_TIMEOUT)
            .header("Content-Type", "application/json")
            .header("Accept", "text/event-stream")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body(plan)));
    if (plan.apiKey() != null) {
      b.header("Authorization", "Bearer " + plan.apiKey());
    }
    this.request = b.build();
  }

  /** The request body: greedy, {@code ignore_eos}, streamed with a usage chunk. */
  static byte[] body(LoadPlan plan) {
    ObjectNode root = JSON.createObjectNode();
    root.put("model", plan.model());
    if (plan.chat()) {
      ObjectNode message = root.putArray("messages").addObject();
      message.put("role", "user");
      message.put("content", plan.prompt());
    } else {
      root.put("prompt", plan.prompt());
    }
    root.put("max_tokens", plan.maxTokens());
    root.put("temperature", 0);
    root.put("ignore_eos", true);
    root.put("stream", true);
    root.putObject("stream_options").put("include_usage", true);
    if (plan.mode() != null) {
      root.put("mode", plan.mode());
    }
    try {
      return JSON.writeValueAsBytes(root);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("a tree of strings and numbers always serializes", e);
    }
  }

  /** Sends one request, retrying 429s; never throws for what the server or network did. */
  public RequestResult send() throws InterruptedException {
    int refusals = 0;
    while (true) {
      long start = System.nanoTime();
      Duration wait;
      try {
        HttpResponse<InputStream> response =
            http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = response.body()) {
          int status = response.statusCode();
          if (status == 429) {
            refusals++;
            if (refusals > plan.retries()) {
              return RequestResult.refused(
                  refusals, System.nanoTime() - start, "HTTP 429: " + errorMessage(body));
            }
            wait = retryAfter(response.headers().firstValue("Retry-After"));
          } else if (status != 200) {
            return RequestResult.failed(
                refusals, System.nanoTime() - start, "HTTP " + status + ": " + errorMessage(body));
          } else {
            return read(response, body, start, refusals);
          }
        }
      } catch (IOException e) {
        return RequestResult.failed(
            refusals,
            System.nanoTime() - start,
            "connection to " + request.uri() + " failed: " + describe(e));
      }
      Thread.sleep(wait); // the refused response is closed: its connection is free meanwhile
    }
  }

  private static RequestResult read(
      HttpResponse<InputStream> response, InputStream body, long start, int refusals)
      throws IOException {
    String type = response.headers().firstValue("Content-Type").orElse("");
    if (!type.startsWith("text/event-stream")) {
      return RequestResult.failed(
          refusals,
          System.nanoTime() - start,
          "HTTP 200 with Content-Type '"
              + type
              + "', not an event stream: the server ignored \"stream\": true");
    }
    SseDecoder decoder = new SseDecoder();
    CompletionStream stream = new CompletionStream();
    byte[] buffer = new byte[16 * 1024];
    for (int n; (n = body.read(buffer)) >= 0; ) {
      long now = System.nanoTime();
      for (SseDecoder.Event e : decoder.feed(buffer, 0, n)) {
        stream.accept(e.data(), now);
      }
    }
    long end = System.nanoTime() - start;
    if (stream.error() != null) {
      return RequestResult.failed(refusals, end, stream.error());
    }
    if (!stream.done()) {
      return RequestResult.failed(refusals, end, "the stream ended without data: [DONE]");
    }
    if (stream.completionTokens() < 0) {
      return RequestResult.failed(
          refusals,
          end,
          "no usage chunk in the stream: the server ignored stream_options.include_usage");
    }
    if (stream.firstContentNanos() < 0) {
      return RequestResult.failed(refusals, end, "the stream carried no text");
    }
    return RequestResult.ok(stream, start, refusals);
  }

  /** The {@code error.message} of an OpenAI error body, or the body's start. */
  private static String errorMessage(InputStream body) throws IOException {
    String text = new String(body.readNBytes(ERROR_BODY_LIMIT), StandardCharsets.UTF_8).strip();
    try {
      JsonNode message = JSON.readTree(text).path("error").path("message");
      if (message.isTextual()) {
        return message.asText();
      }
    } catch (JsonProcessingException e) {
      // not JSON: the text itself says what happened
    }
    return text.length() <= 200 ? text : text.substring(0, 200) + "...";
  }

  /**
   * How long a 429 asks to wait: {@code Retry-After} in seconds or as an HTTP date, at most {@link
   * #MAX_RETRY_AFTER}; {@link #DEFAULT_RETRY_AFTER} when absent or unreadable.
   */
  static Duration retryAfter(Optional<String> header) {
    if (header.isEmpty()) {
      return DEFAULT_RETRY_AFTER;
    }
    String value = header.get().strip();
    Duration wait;
    try {
      wait = Duration.ofSeconds(Long.parseLong(value));
    } catch (NumberFormatException notSeconds) {
      try {
        ZonedDateTime at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME);
        wait = Duration.between(ZonedDateTime.now(at.getZone()), at);
      } catch (DateTimeParseException notADate) {
        return DEFAULT_RETRY_AFTER;
      }
    }
    if (wait.isNegative()) {
      return Duration.ZERO;
    }
    return wait.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : wait;
  }

  private static String describe(IOException e) {
    String message = e.getMessage();
    return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
  }
}
