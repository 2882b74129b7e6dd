package dev.inference.nemotron.operator.autoscale;

import java.time.Duration;
import java.time.Instant;

/**
 * The per-second rate of a Prometheus counter between two readings of one pod. A counter that went
 * down means the pod restarted and counts from zero again: the increase is then the new reading
 * itself (what Prometheus's {@code rate()} assumes too), never a negative rate.
 */
public final class CounterRate {
  private CounterRate() {}

  /**
   * @param before the earlier reading and its time
   * @param after the later reading and its time
   * @return the increase per second; NaN when no time passed
   */
  public static double between(Reading before, Reading after) {
    double seconds = Duration.between(before.at(), after.at()).toNanos() / 1e9;
    if (!(seconds > 0)) {
      return Double.NaN;
    }
    double increase =
        after.value() >= before.value() ? after.value() - before.value() : after.value();
    return increase / seconds;
  }

  /** A counter's value at a time. */
  public record Reading(Instant at, double value) {}
}
