package dev.inference.nemotron.operator.autoscale;

import java.util.Arrays;

/**
 * A Prometheus histogram's cumulative buckets as scraped from one pod ({@code _bucket{le=...}}),
 * and quantiles over the observations between two scrapes, computed as Prometheus's {@code
 * histogram_quantile} does: find the bucket holding the rank, interpolate linearly inside it.
 *
 * @param upperBounds the buckets' {@code le} bounds in seconds, increasing, the last +Inf
 * @param cumulativeCounts observations at or below each bound, non-decreasing
 */
public record LatencyHistogram(double[] upperBounds, double[] cumulativeCounts) {

  public LatencyHistogram {
    if (upperBounds.length != cumulativeCounts.length || upperBounds.length == 0) {
      throw new IllegalArgumentException("a histogram needs as many counts as bucket bounds");
    }
    if (upperBounds[upperBounds.length - 1] != Double.POSITIVE_INFINITY) {
      throw new IllegalArgumentException("the last bucket of a histogram is +Inf");
    }
    upperBounds = upperBounds.clone();
    cumulativeCounts = cumulativeCounts.clone();
  }

  /** Observations in total. */
  public double count() {
    return cumulativeCounts[cumulativeCounts.length - 1];
  }

  /**
   * The observations since {@code before} (the same pod's previous scrape, or null): bucket by
   * bucket differences; when the count went down the pod restarted and everything counts anew.
   */
  public LatencyHistogram since(LatencyHistogram before) {
    if (before == null
        || !Arrays.equals(before.upperBounds, upperBounds)
        || before.count() > count()) {
      return this;
    }
    double[] delta = new double[cumulativeCounts.length];
    for (int i = 0; i < delta.length; i++) {
      delta[i] = Math.max(0, cumulativeCounts[i] - before.cumulativeCounts[i]);
    }
    return new LatencyHistogram(upperBounds, delta);
  }

  /** The sum of several pods' histograms of the same buckets. */
  public LatencyHistogram plus(LatencyHistogram other) {
    if (!Arrays.equals(other.upperBounds, upperBounds)) {
      throw new IllegalArgumentException("histograms with different buckets cannot be added");
    }
    double[] sum = cumulativeCounts.clone();
    for (int i = 0; i < sum.length; i++) {
      sum[i] += other.cumulativeCounts[i];
    }
    return new LatencyHistogram(upperBounds, sum);
  }

  /**
   * The q-quantile in milliseconds; NaN without observations. A rank in the +Inf bucket returns the
   * highest finite bound (as Prometheus does).
   */
  public double quantileMillis(double q) {
    double total = count();
    if (!(total > 0)) {
      return Double.NaN;
    }
    double rank = q * total;
    for (int i = 0; i < cumulativeCounts.length; i++) {
      if (cumulativeCounts[i] >= rank) {
        if (upperBounds[i] == Double.POSITIVE_INFINITY) {
          return (i > 0 ? upperBounds[i - 1] : 0) * 1000;
        }
        double lower = i > 0 ? upperBounds[i - 1] : 0;
        double below = i > 0 ? cumulativeCounts[i - 1] : 0;
        double inBucket = cumulativeCounts[i] - below;
        double fraction = inBucket > 0 ? (rank - below) / inBucket : 1;
        return (lower + (upperBounds[i] - lower) * fraction) * 1000;
      }
    }
    return upperBounds[upperBounds.length - 2] * 1000;
  }
}
