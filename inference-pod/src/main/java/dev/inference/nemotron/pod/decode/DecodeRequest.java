package dev.inference.nemotron.pod.decode;

import java.util.Objects;

/**
 * One generation: the prompt tokens to append after whatever the cache already holds, how to pick
 * tokens, and where emitted tokens go.
 *
 * @param prompt token ids, at least one; they take positions {@code cache.length() ..}
 * @param sampling token choice and stop conditions
 * @param detokenizer needed only when {@code sampling.stopStrings()} is not empty
 * @param listener called for every emitted token, in order
 * @param prefillChunk most prompt rows per prefill forward: a longer prompt is written in chunks
 *     (CAUSAL + WRITE, no logits) before the last one, so that one long prompt does not stall the
 *     other sequences of a batch; the chunks together count as the one prefill forward of MODEL.md
 *     §6, so TPF does not depend on this setting
 */
public record DecodeRequest(
    int[] prompt,
    SamplingParams sampling,
    Detokenizer detokenizer,
    TokenListener listener,
    int prefillChunk) {

  public DecodeRequest {
    Objects.requireNonNull(prompt, "prompt");
    Objects.requireNonNull(sampling, "sampling");
    Objects.requireNonNull(listener, "listener");
    if (prompt.length == 0) {
      throw new IllegalArgumentException("the prompt needs at least one token");
    }
    if (!sampling.stopStrings().isEmpty() && detokenizer == null) {
      throw new IllegalArgumentException("stop strings need a detokenizer to be recognised");
    }
    if (prefillChunk < 1) {
      throw new IllegalArgumentException("prefill chunk must be >= 1 rows, got " + prefillChunk);
    }
    prompt = prompt.clone();
  }

  /** A request whose prompt is prefilled in one forward. */
  public DecodeRequest(
      int[] prompt, SamplingParams sampling, Detokenizer detokenizer, TokenListener listener) {
    this(prompt, sampling, detokenizer, listener, Integer.MAX_VALUE);
  }

  /** A request without stop strings or listener. */
  public static DecodeRequest of(int[] prompt, SamplingParams sampling) {
    return new DecodeRequest(prompt, sampling, null, TokenListener.NONE);
  }

  @Override
  public int[] prompt() {
    return prompt.clone();
  }
}
