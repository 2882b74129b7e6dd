package dev.inference.nemotron.pod.fetch;

import java.io.PrintStream;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Reports a download as it goes: on a terminal one line that keeps updating ({@link
 * TerminalProgress}), in a pod a log line now and then ({@link LogProgress}), since a log collector
 * would store every redraw of a terminal line.
 *
 * <p>The downloader calls these from one thread, {@link #transferred} about twice a second while a
 * file is coming in; this class keeps the counts both renderings share.
 */
public abstract class DownloadProgress {
  protected final PrintStream out;
  private final LongSupplier nanoTime;
  private long startNanos;
  private long totalBytes;
  private long finishedBytes;
  private long fileBytes;
  private long transferredThisRun;

  DownloadProgress(PrintStream out, LongSupplier nanoTime) {
    this.out = out;
    this.nanoTime = nanoTime;
    this.startNanos = nanoTime.getAsLong();
  }

  /** A terminal line when {@code terminal}, else log lines. */
  public static DownloadProgress forOutput(PrintStream out, boolean terminal) {
    return terminal
        ? new TerminalProgress(out, System::nanoTime)
        : new LogProgress(out, System::nanoTime);
  }

  /** The download begins: {@code totalBytes} over all files, some may already be on disk. */
  void planned(int files, long totalBytes) {
    this.totalBytes = totalBytes;
    this.startNanos = nanoTime.getAsLong();
  }

  /** {@code file} starts (or resumes) at byte {@code offset}. */
  void fileStarted(HubFile file, long offset) {
    fileBytes = offset;
    onFileStarted(file, offset);
  }

  /** {@code file} now has {@code bytes} on disk. */
  void transferred(HubFile file, long bytes) {
    transferredThisRun += Math.max(0, bytes - fileBytes);
    fileBytes = bytes;
    onTransferred(file, bytes);
  }

  /** {@code file} is complete (and verified). */
  void fileFinished(HubFile file) {
    finishedBytes += file.size();
    fileBytes = 0;
    onFileFinished(file);
  }

  /** A message between progress updates (a retry, a verification). */
  public abstract void note(String message);

  /** Every file is complete. */
  abstract void finished();

  abstract void onFileStarted(HubFile file, long offset);

  abstract void onTransferred(HubFile file, long bytes);

  abstract void onFileFinished(HubFile file);

  long now() {
    return nanoTime.getAsLong();
  }

  /** Bytes of all files on disk, the current one's included. */
  long doneBytes() {
    return finishedBytes + fileBytes;
  }

  long totalBytes() {
    return totalBytes;
  }

  /** Bytes per second transferred by this run (bytes from an earlier run do not count). */
  double rate() {
    double seconds = (nanoTime.getAsLong() - startNanos) / 1e9;
    return seconds <= 0 ? 0 : transferredThisRun / seconds;
  }

  /** Time left for {@code remaining} bytes at this run's rate; unknown while nothing moved. */
  String eta(long remaining) {
    double rate = rate();
    return rate <= 0 ? "?" : ByteCount.time(Duration.ofMillis((long) (remaining / rate * 1000)));
  }

  static int percent(long done, long total) {
    return total <= 0 ? 100 : (int) Math.min(100, done * 100 / total);
  }
}
