package dev.inference.nemotron.operator.autoscale;

import java.time.Instant;
import java.util.Map;

/**
 * One pod's meters at one scrape, as the runtime exports them: per decoding mode (API name) the
 * counters {@code ndd_generated_tokens_total} and {@code ndd_forward_passes_total}, the request
 * duration and time-to-first-token histograms summed over modes, and the queue and active-sequence
 * gauges, and the engine's batched forwards with their rows ({@code ndd_batched_forwards}, {@code
 * ndd_batch_rows} count and sum; zero where the runtime does not report them).
 */
public record PodReading(
    String pod,
    Instant at,
    Map<String, Double> generatedTokens,
    Map<String, Double> forwardPasses,
    LatencyHistogram requestDuration,
    LatencyHistogram timeToFirstToken,
    double queueDepth,
    double activeSequences,
    double batchedForwards,
    double batchRowsCount,
    double batchRowsSum) {

  /** A reading without the engine's batch figures. */
  public PodReading(
      String pod,
      Instant at,
      Map<String, Double> generatedTokens,
      Map<String, Double> forwardPasses,
      LatencyHistogram requestDuration,
      LatencyHistogram timeToFirstToken,
      double queueDepth,
      double activeSequences) {
    this(
        pod,
        at,
        generatedTokens,
        forwardPasses,
        requestDuration,
        timeToFirstToken,
        queueDepth,
        activeSequences,
        0,
        0,
        0);
  }

  public PodReading {
    generatedTokens = Map.copyOf(generatedTokens);
    forwardPasses = Map.copyOf(forwardPasses);
  }
}
