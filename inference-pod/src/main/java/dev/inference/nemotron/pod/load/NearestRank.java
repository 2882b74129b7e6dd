package dev.inference.nemotron.pod.load;

import java.util.Arrays;

/**
 * Percentiles by the nearest-rank method: the p-th percentile of n values is the value at rank
 * {@code ceil(p / 100 * n)} (1-based) in ascending order, so it is always one of the measured
 * values, never an interpolation between two. With 4 values p50 is the 2nd and p95 the 4th; with 20
 * values p95 is the 19th.
 */
public final class NearestRank {

  private NearestRank() {}

  /**
   * The {@code p}-th percentile of {@code values} (not modified); NaN when there are none.
   *
   * @param p in (0, 100]
   */
  public static double percentile(double[] values, double p) {
    if (!(p > 0 && p <= 100)) {
      throw new IllegalArgumentException("a percentile is in (0, 100], got " + p);
    }
    if (values.length == 0) {
      return Double.NaN;
    }
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    // p / 100 * n computed as p * n / 100 keeps p95 of 20 values exactly 19, not
    // 19.000000000000004.
    int rank = (int) Math.ceil(p * sorted.length / 100.0);
    return sorted[Math.max(1, rank) - 1];
  }

  /** The median and the 95th percentile of {@code values}; NaN for both when there are none. */
  public static Spread spread(double[] values) {
    return new Spread(percentile(values, 50), percentile(values, 95));
  }

  /** p50 and p95 of one measure; NaN when nothing was measured. */
  public record Spread(double p50, double p95) {
    /** Whether any value was measured. */
    public boolean present() {
      return !Double.isNaN(p50);
    }
  }
}
