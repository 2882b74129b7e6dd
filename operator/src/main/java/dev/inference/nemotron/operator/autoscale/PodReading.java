package dev.inference.nemotron.operator.autoscale;

import java.time.Instant;
import java.util.Map;

/**
 * One pod's meters at one scrape, as the runtime exports them: per decoding mode (API name) the
 * counters {@code ndd_generated_tokens_total} and {@code ndd_forward_passes_total}, the request
 * duration and time-to-first-token histograms summed over modes, and the queue and active-sequence
 * gauges.
 */
public record PodReading(
    String pod,
    Instant at,
    Map<String, Double> generatedTokens,
    Map<String, Double> forwardPasses,
    LatencyHistogram requestDuration,
    LatencyHistogram timeToFirstToken,
    double queueDepth,
    double activeSequences) {

  public PodReading {
    generatedTokens = Map.copyOf(generatedTokens);
    forwardPasses = Map.copyOf(forwardPasses);
  }
}
