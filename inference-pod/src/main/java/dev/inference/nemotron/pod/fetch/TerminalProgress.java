package dev.inference.nemotron.pod.fetch;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/** One line, redrawn in place: overall percent, bytes, rate, time left and the current file. */
final class TerminalProgress extends DownloadProgress {
  /** Redraws at most five times a second. */
  private static final long REDRAW_NANOS = 200_000_000L;

  private long lastDraw;
  private int lastLength;

  TerminalProgress(PrintStream out, LongSupplier nanoTime) {
    super(out, nanoTime);
  }

  @Override
  public void note(String message) {
    clear();
    out.println(message);
    out.flush();
  }

  @Override
  void onFileStarted(HubFile file, long offset) {
    draw(file, true);
  }

  @Override
  void onTransferred(HubFile file, long bytes) {
    draw(file, false);
  }

  @Override
  void onFileFinished(HubFile file) {
    draw(file, true);
  }

  @Override
  void finished() {
    if (lastLength > 0) {
      out.println();
      out.flush();
      lastLength = 0;
    }
  }

  private void draw(HubFile file, boolean force) {
    long now = now();
    if (!force && lastLength > 0 && now - lastDraw < REDRAW_NANOS) {
      return;
    }
    lastDraw = now;
    long done = doneBytes();
    String line =
        String.format(
            Locale.ROOT,
            "%3d%%  %s of %s  %s  ETA %s  %s",
            percent(done, totalBytes()),
            ByteCount.format(done),
            ByteCount.format(totalBytes()),
            ByteCount.rate(rate()),
            eta(totalBytes() - done),
            file.path());
    // pad over the previous, longer line instead of relying on terminal escape codes
    out.print("\r" + line + " ".repeat(Math.max(0, lastLength - line.length())));
    out.flush();
    lastLength = line.length();
  }

  private void clear() {
    if (lastLength > 0) {
      out.print("\r" + " ".repeat(lastLength) + "\r");
      lastLength = 0;
    }
  }
}
