package dev.inference.nemotron.pod.fetch;

import java.time.Duration;
import java.util.Locale;

/** Human-readable sizes, rates and times for progress lines and messages (decimal units). */
final class ByteCount {
  private static final String[] UNITS = {"B", "kB", "MB", "GB", "TB"};

  private ByteCount() {}

  /** {@code 512 B}, {@code 12.3 kB}, {@code 4.97 GB}. */
  static String format(long bytes) {
    if (bytes < 1000) {
      return bytes + " B";
    }
    double value = bytes;
    int unit = 0;
    while (value >= 1000 && unit < UNITS.length - 1) {
      value /= 1000;
      unit++;
    }
    return String.format(Locale.ROOT, value < 10 ? "%.2f %s" : "%.1f %s", value, UNITS[unit]);
  }

  /** Megabytes per second. */
  static String rate(double bytesPerSecond) {
    return String.format(Locale.ROOT, "%.1f MB/s", bytesPerSecond / 1e6);
  }

  /** {@code 250ms}, {@code 42s}, {@code 3m20s}, {@code 1h02m}. */
  static String time(Duration d) {
    if (d.toMillis() > 0 && d.toMillis() < 1000) {
      return d.toMillis() + "ms";
    }
    long s = Math.max(0, d.toSeconds());
    if (s < 60) {
      return s + "s";
    }
    if (s < 3600) {
      return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }
    return String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
  }
}
