package dev.inference.nemotron.operator.autoscale;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One scrape of a fleet: its pods' meters turned into windowed rates and summed over the pods that
 * answered. Rates are per second over the scrape window; latencies are p95 from the histogram
 * buckets, NaN when the window held no request.
 *
 * @param at when the scrape finished
 * @param replicas pods the Deployment asks for (ready, starting or stale)
 * @param readyReplicas ready pods that answered the scrape
 * @param startingReplicas pods not ready yet (capacity on the way)
 * @param staleReplicas ready pods that did not answer (never read as zero load)
 * @param tokensPerSecond generated tokens per second, all modes
 * @param forwardsPerSecond forward passes per second counted per sequence, all modes
 * @param tokensPerForward TPF per mode (API mode name), only modes that ran in the window
 * @param queueDepth requests waiting, summed over pods
 * @param activeSequences sequences decoding, summed over pods
 * @param p95LatencyMs p95 request duration
 * @param p95TimeToFirstTokenMs p95 time to first token
 * @param batchedForwardsPerSecond batched forwards the engines ran per second, summed over pods
 *     (one weight read each; NaN when the pods do not report them)
 * @param rowsPerBatchedForward mean rows of those batched forwards (NaN: none ran)
 */
public record FleetSample(
    Instant at,
    int replicas,
    int readyReplicas,
    int startingReplicas,
    int staleReplicas,
    double tokensPerSecond,
    double forwardsPerSecond,
    Map<String, Double> tokensPerForward,
    double queueDepth,
    double activeSequences,
    double p95LatencyMs,
    double p95TimeToFirstTokenMs,
    double batchedForwardsPerSecond,
    double rowsPerBatchedForward) {

  /** A sample without the engines' batch figures (they are NaN). */
  public FleetSample(
      Instant at,
      int replicas,
      int readyReplicas,
      int startingReplicas,
      int staleReplicas,
      double tokensPerSecond,
      double forwardsPerSecond,
      Map<String, Double> tokensPerForward,
      double queueDepth,
      double activeSequences,
      double p95LatencyMs,
      double p95TimeToFirstTokenMs) {
    this(
        at,
        replicas,
        readyReplicas,
        startingReplicas,
        staleReplicas,
        tokensPerSecond,
        forwardsPerSecond,
        tokensPerForward,
        queueDepth,
        activeSequences,
        p95LatencyMs,
        p95TimeToFirstTokenMs,
        Double.NaN,
        Double.NaN);
  }

  public FleetSample {
    Objects.requireNonNull(at, "at");
    tokensPerForward = Map.copyOf(tokensPerForward);
    if (replicas < 0 || readyReplicas < 0 || startingReplicas < 0 || staleReplicas < 0) {
      throw new IllegalArgumentException("replica counts must be >= 0");
    }
  }

  /** TPF of the mix that ran: tokens over forwards, NaN without forwards. */
  public double mixedTokensPerForward() {
    return forwardsPerSecond > 0 ? tokensPerSecond / forwardsPerSecond : Double.NaN;
  }

  /** Whether requests were waiting: the fleet served all it could. */
  public boolean saturated() {
    return queueDepth >= 1;
  }
}
