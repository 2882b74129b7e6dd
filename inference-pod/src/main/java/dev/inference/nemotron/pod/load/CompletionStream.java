package dev.inference.nemotron.pod.load;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What one streamed completion carried, and when: the arrival of every chunk with text (a {@code
 * text} of a completion choice or a {@code delta.content} of a chat choice, non-empty), the {@code
 * completion_tokens} of the usage chunk, an error event, and {@code [DONE]}. Role-only chunks,
 * finish chunks with empty text and the usage chunk carry no text and time nothing.
 */
public final class CompletionStream {
  private static final ObjectMapper JSON = new ObjectMapper();

  private long firstContentNanos = -1;
  private long lastContentNanos = -1;
  private int contentChunks;
  private int completionTokens = -1;
  private long doneNanos = -1;
  private String error;

  /** Takes one event's data, which arrived at {@code nanos} ({@link System#nanoTime()}). */
  public void accept(String data, long nanos) {
    if (done() || error != null) {
      return; // nothing after [DONE] or an error counts
    }
    if (data.equals("[DONE]")) {
      doneNanos = nanos;
      return;
    }
    JsonNode chunk;
    try {
      chunk = JSON.readTree(data);
    } catch (JsonProcessingException e) {
      error = "a stream event is not JSON: " + abbreviate(data);
      return;
    }
    JsonNode failure = chunk.get("error");
    if (failure != null && !failure.isNull()) {
      JsonNode message = failure.get("message");
      error =
          "error event in the stream: "
              + (message != null && message.isTextual() ? message.asText() : failure.toString());
      return;
    }
    if (hasContent(chunk.get("choices"))) {
      if (firstContentNanos < 0) {
        firstContentNanos = nanos;
      }
      lastContentNanos = nanos;
      contentChunks++;
    }
    JsonNode usage = chunk.get("usage");
    if (usage != null && usage.has("completion_tokens")) {
      completionTokens = usage.get("completion_tokens").asInt();
    }
  }

  private static boolean hasContent(JsonNode choices) {
    if (choices == null || !choices.isArray()) {
      return false;
    }
    for (JsonNode choice : choices) {
      JsonNode text = choice.get("text");
      JsonNode delta = choice.get("delta");
      JsonNode content = delta == null ? null : delta.get("content");
      if (nonEmpty(text) || nonEmpty(content)) {
        return true;
      }
    }
    return false;
  }

  private static boolean nonEmpty(JsonNode text) {
    return text != null && text.isTextual() && !text.asText().isEmpty();
  }

  private static String abbreviate(String data) {
    return data.length() <= 120 ? data : data.substring(0, 120) + "...";
  }

  /** Whether {@code data: [DONE]} arrived. */
  public boolean done() {
    return doneNanos >= 0;
  }

  /** When {@code [DONE]} arrived, or -1. */
  public long doneNanos() {
    return doneNanos;
  }

  /** The error event's message, or null. */
  public String error() {
    return error;
  }

  /** {@code usage.completion_tokens} of the stream, or -1 when no usage chunk came. */
  public int completionTokens() {
    return completionTokens;
  }

  /** Chunks that carried text. */
  public int contentChunks() {
    return contentChunks;
  }

  /** When the first chunk with text arrived, or -1. */
  public long firstContentNanos() {
    return firstContentNanos;
  }

  /**
   * Mean time per token after the first chunk: (last text chunk - first text chunk) / (completion
   * tokens - 1), in nanoseconds. NaN unless at least two chunks carried text and the usage counted
   * at least two tokens. A diffusion block's tokens arrive in one chunk, so its ITL is the block's
   * time spread over its tokens.
   */
  public double interTokenNanos() {
    if (contentChunks < 2 || completionTokens < 2) {
      return Double.NaN;
    }
    return (double) (lastContentNanos - firstContentNanos) / (completionTokens - 1);
  }
}
