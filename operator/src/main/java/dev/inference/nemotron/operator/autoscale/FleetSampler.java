package dev.inference.nemotron.operator.autoscale;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns two consecutive scrapes of a fleet's pods into a {@link FleetSample}: counters into rates
 * per pod (a restarted pod's reset counts from zero, see {@link CounterRate}), rates summed over
 * the pods, TPF per mode as tokens over forwards, p95 latencies from the histogram buckets observed
 * in between, gauges summed. A pod without a previous reading contributes its gauges but no rates
 * (a rate needs two readings); a pod that did not answer is counted stale, never as idle.
 */
public final class FleetSampler {
  private FleetSampler() {}

  /**
   * @param previous each pod's previous reading, by pod name
   * @param current this scrape's readings, by pod name
   * @param replicas pods the Deployment asks for
   * @param starting pods not ready
   * @param unanswered ready pods whose scrape failed or timed out
   * @param at when the scrape finished
   */
  public static FleetSample sample(
      Map<String, PodReading> previous,
      Map<String, PodReading> current,
      int replicas,
      int starting,
      int unanswered,
      Instant at) {
    Map<String, Double> tokens = new TreeMap<>();
    Map<String, Double> forwards = new TreeMap<>();
    LatencyHistogram duration = null;
    LatencyHistogram ttft = null;
    double queue = 0;
    double active = 0;
    double batches = 0;
    double rows = 0;
    double rowBatches = 0;
    boolean batchesReported = false;
    for (PodReading now : current.values()) {
      queue += now.queueDepth();
      active += now.activeSequences();
      PodReading before = previous.get(now.pod());
      if (before == null) {
        continue;
      }
      addRates(tokens, before.generatedTokens(), now.generatedTokens(), before.at(), now.at());
      addRates(forwards, before.forwardPasses(), now.forwardPasses(), before.at(), now.at());
      duration = add(duration, now.requestDuration().since(before.requestDuration()));
      if (now.batchedForwards() > 0) {
        batchesReported = true;
        double rate =
            CounterRate.between(
                new CounterRate.Reading(before.at(), before.batchedForwards()),
                new CounterRate.Reading(now.at(), now.batchedForwards()));
        batches += Double.isNaN(rate) ? 0 : rate;
        // rows over the batches between the readings; a restarted pod counts from zero
        boolean reset = now.batchRowsCount() < before.batchRowsCount();
        rows += reset ? now.batchRowsSum() : now.batchRowsSum() - before.batchRowsSum();
        rowBatches += reset ? now.batchRowsCount() : now.batchRowsCount() - before.batchRowsCount();
      }
      ttft = add(ttft, now.timeToFirstToken().since(before.timeToFirstToken()));
    }
    Map<String, Double> tpf = new HashMap<>();
    double allTokens = 0;
    double allForwards = 0;
    for (Map.Entry<String, Double> e : forwards.entrySet()) {
      double t = tokens.getOrDefault(e.getKey(), 0.0);
      allTokens += t;
      allForwards += e.getValue();
      if (e.getValue() > 0) {
        tpf.put(e.getKey(), t / e.getValue());
      }
    }
    return new FleetSample(
        at,
        replicas,
        current.size(),
        starting,
        unanswered,
        allTokens,
        allForwards,
        tpf,
        queue,
        active,
        duration == null ? Double.NaN : duration.quantileMillis(0.95),
        ttft == null ? Double.NaN : ttft.quantileMillis(0.95),
        batchesReported ? batches : Double.NaN,
        rowBatches > 0 ? rows / rowBatches : Double.NaN);
  }

  private static void addRates(
      Map<String, Double> into,
      Map<String, Double> before,
      Map<String, Double> after,
      Instant from,
      Instant to) {
    for (Map.Entry<String, Double> e : after.entrySet()) {
      double rate =
          CounterRate.between(
              new CounterRate.Reading(from, before.getOrDefault(e.getKey(), 0.0)),
              new CounterRate.Reading(to, e.getValue()));
      if (!Double.isNaN(rate)) {
        into.merge(e.getKey(), rate, Double::sum);
      }
    }
  }

  private static LatencyHistogram add(LatencyHistogram sum, LatencyHistogram more) {
    return sum == null ? more : sum.plus(more);
  }
}
