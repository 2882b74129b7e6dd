package dev.inference.nemotron.pod.load;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * One concurrency level: its requests and its wall time, from the first send to the end of the last
 * response. Latency percentiles ({@link NearestRank}) are over the successful requests, one value
 * per request (a request's ITL is its mean, {@link CompletionStream#interTokenNanos()}).
 *
 * @param concurrency clients sending back to back
 * @param wallNanos the level's wall time
 * @param requests every request, in the order they were started
 */
public record LevelResult(int concurrency, long wallNanos, List<RequestResult> requests) {

  public LevelResult {
    requests = List.copyOf(requests);
  }

  /** Requests that streamed to {@code [DONE]} with text and usage. */
  public long ok() {
    return count(RequestResult.Outcome.OK);
  }

  /** Requests still refused (429) after their last retry. */
  public long refused() {
    return count(RequestResult.Outcome.REFUSED);
  }

  /** Requests that failed otherwise: a status, an error event, a cut stream, the network. */
  public long failed() {
    return count(RequestResult.Outcome.FAILED);
  }

  /** Every 429 answer of the level, retried ones included. */
  public long refusals() {
    return requests.stream().mapToLong(RequestResult::refusals).sum();
  }

  /** {@code usage.completion_tokens} summed over the successful requests. */
  public long completionTokens() {
    return requests.stream().mapToLong(RequestResult::completionTokens).sum();
  }

  /** Aggregate generated tokens per second: completion tokens over the level's wall time. */
  public double tokensPerSecond() {
    return wallNanos > 0 ? completionTokens() * 1e9 / wallNanos : 0;
  }

  /** Time to first token in milliseconds. */
  public NearestRank.Spread ttftMillis() {
    return spread(r -> r.ttftNanos() / 1e6);
  }

  /** Inter-token latency in milliseconds, over requests where it was measurable. */
  public NearestRank.Spread itlMillis() {
    return spread(r -> r.itlNanos() / 1e6);
  }

  /** End-to-end request latency in milliseconds. */
  public NearestRank.Spread latencyMillis() {
    return spread(r -> r.latencyNanos() / 1e6);
  }

  /** Each distinct failure message (refusals included) with how often it occurred, first first. */
  public Map<String, Integer> failures() {
    Map<String, Integer> out = new LinkedHashMap<>();
    for (RequestResult r : requests) {
      if (r.outcome() != RequestResult.Outcome.OK) {
        out.merge(r.error(), 1, Integer::sum);
      }
    }
    return out;
  }

  private long count(RequestResult.Outcome outcome) {
    return requests.stream().filter(r -> r.outcome() == outcome).count();
  }

  private NearestRank.Spread spread(ToDoubleFunction<RequestResult> measure) {
    double[] values =
        requests.stream()
            .filter(r -> r.outcome() == RequestResult.Outcome.OK)
            .mapToDouble(measure)
            .filter(v -> !Double.isNaN(v))
            .toArray();
    return NearestRank.spread(values);
  }
}
