package dev.inference.nemotron.pod.serve.api;

import java.util.Objects;

/**
 * One finished choice of a non-streamed response.
 *
 * @param index its place in the response (for completions: prompt index times n plus k)
 * @param text the generated text (without the stop string that ended it)
 * @param finishReason why it ended
 */
public record Choice(int index, String text, FinishReason finishReason) {

  /** Checks that the parts are present and the index is not negative. */
  public Choice {
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(finishReason, "finishReason");
    if (index < 0) {
      throw new IllegalArgumentException("choice index must be >= 0, got " + index);
    }
  }
}
