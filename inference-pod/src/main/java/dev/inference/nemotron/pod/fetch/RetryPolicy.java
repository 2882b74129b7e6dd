package dev.inference.nemotron.pod.fetch;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How network failures are retried: connection errors, cut or stalled transfers, HTTP 5xx and 429.
 * A download that made progress before failing starts its attempts afresh, so a multi-gigabyte
 * shard over a flaky link still completes as long as every attempt gets somewhere.
 *
 * @param attempts tries per request without progress, at least 1
 * @param initialBackoff the wait before the first retry; doubles per retry
 * @param maxBackoff the longest wait between tries
 * @param connectTimeout how long to wait for a TCP/TLS connection
 * @param idleTimeout how long a request may go without response headers or body bytes before it is
 *     abandoned and retried (a stalled CDN connection otherwise hangs forever)
 */
public record RetryPolicy(
    int attempts,
    Duration initialBackoff,
    Duration maxBackoff,
    Duration connectTimeout,
    Duration idleTimeout) {

  public RetryPolicy {
    if (attempts < 1) {
      throw new IllegalArgumentException("attempts must be at least 1, got " + attempts);
    }
    for (Duration d : new Duration[] {initialBackoff, maxBackoff, connectTimeout, idleTimeout}) {
      if (d == null || d.isNegative()) {
        throw new IllegalArgumentException("retry durations must be non-negative, got " + d);
      }
    }
  }

  /** Six tries, waiting 1, 2, 4, 8, 16 s; 30 s to connect, 60 s without data. */
  public static RetryPolicy defaults() {
    return new RetryPolicy(
        6,
        Duration.ofSeconds(1),
        Duration.ofSeconds(30),
        Duration.ofSeconds(30),
        Duration.ofSeconds(60));
  }

  /**
   * The wait before try {@code attempt + 1} (after {@code attempt} failures): exponential, capped,
   * with jitter between half and all of it, so that replicas downloading at once after an outage do
   * not retry in lockstep.
   */
  Duration backoff(int attempt) {
    long full = initialBackoff.toMillis() << Math.min(attempt - 1, 20);
    long capped = Math.min(full, maxBackoff.toMillis());
    long half = capped / 2;
    return Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(capped - half + 1));
  }
}
