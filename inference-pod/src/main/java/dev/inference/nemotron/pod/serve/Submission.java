package dev.inference.nemotron.pod.serve;

import dev.inference.nemotron.pod.decode.Decoder;
import dev.inference.nemotron.pod.decode.Detokenizer;
import dev.inference.nemotron.pod.decode.SamplingParams;
import java.util.Objects;

/**
 * One sequence to decode, as the scheduler receives it.
 *
 * @param tenant who asks (weighted fair queueing runs across tenants)
 * @param weight the tenant's share weight, at least 1
 * @param prompt token ids, already checked against the context window
 * @param sampling token choice and stop conditions (EOS ids merged in)
 * @param detokenizer for stop strings
 * @param decoder the decoding mode and its settings
 * @param cachePositions KV positions the sequence may need at most (reserved in the pool at
 *     admission)
 * @param deadlineNanos {@link System#nanoTime()} after which the sequence is stopped
 * @param observer where tokens and the outcome go
 */
public record Submission(
    String tenant,
    int weight,
    int[] prompt,
    SamplingParams sampling,
    Detokenizer detokenizer,
    Decoder decoder,
    int cachePositions,
    long deadlineNanos,
    SequenceObserver observer) {

  public Submission {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(observer, "observer");
    if (weight < 1) {
      throw new IllegalArgumentException("tenant weight must be >= 1, got " + weight);
    }
  }
}
