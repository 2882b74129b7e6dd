package dev.inference.nemotron.pod.serve.api;

/** Why a choice ended, as the API's {@code finish_reason} says it. */
public enum FinishReason {
  /** The model emitted an end-of-sequence token, or the text reached a stop string. */
  STOP("stop"),
  /** The token budget ({@code max_tokens}) or the context ran out. */
  LENGTH("length");

  private final String wireName;

  FinishReason(String wireName) {
    this.wireName = wireName;
  }

  /** The value of {@code finish_reason}. */
  public String wireName() {
    return wireName;
  }
}
