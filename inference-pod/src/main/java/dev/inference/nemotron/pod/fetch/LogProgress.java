package dev.inference.nemotron.pod.fetch;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Log lines for a pod: per file, one line every {@value #INTERVAL_SECONDS} s or every {@value
 * #STEP_PERCENT}%, whichever comes first, and one when it is done: enough to see a download move in
 * {@code kubectl logs} without thousands of lines for a 17 GB checkpoint.
 */
final class LogProgress extends DownloadProgress {
  static final int INTERVAL_SECONDS = 10;
  static final int STEP_PERCENT = 5;

  private long fileStart;
  private long fileOffset;
  private long lastLog;
  private int lastPercent;

  LogProgress(PrintStream out, LongSupplier nanoTime) {
    super(out, nanoTime);
  }

  @Override
  public void note(String message) {
    out.println(message);
    out.flush();
  }

  @Override
  void onFileStarted(HubFile file, long offset) {
    fileStart = now();
    fileOffset = offset;
    lastLog = fileStart;
    lastPercent = percent(offset, file.size());
    if (offset > 0) {
      note(
          file.path()
              + ": resuming at "
              + ByteCount.format(offset)
              + " of "
              + ByteCount.format(file.size()));
    }
  }

  @Override
  void onTransferred(HubFile file, long bytes) {
    if (bytes >= file.size()) {
      return; // the done line follows
    }
    long now = now();
    int percent = percent(bytes, file.size());
    if (now - lastLog < INTERVAL_SECONDS * 1_000_000_000L && percent < lastPercent + STEP_PERCENT) {
      return;
    }
    lastLog = now;
    lastPercent = percent;
    note(
        String.format(
            Locale.ROOT,
            "%s: %d%% (%s of %s), %s, ETA %s",
            file.path(),
            percent,
            ByteCount.format(bytes),
            ByteCount.format(file.size()),
            ByteCount.rate(rate()),
            eta(file.size() - bytes)));
  }

  @Override
  void onFileFinished(HubFile file) {
    double seconds = (now() - fileStart) / 1e9;
    long moved = file.size() - fileOffset;
    // time and rate only where they say something: not for a config file that took no time
    String timing =
        seconds >= 1 && moved > 0
            ? String.format(
                Locale.ROOT, " in %.1f s at %s", seconds, ByteCount.rate(moved / seconds))
            : "";
    note(
        file.path()
            + ": done, "
            + ByteCount.format(file.size())
            + timing
            + " ("
            + percent(doneBytes(), totalBytes())
            + "% of all files)");
  }

  @Override
  void finished() {}
}
