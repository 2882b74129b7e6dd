package dev.inference.nemotron.pod.fetch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Progress reporting on a terminal and in a pod's log, on a fake clock. */
class FetchProgressTest {
  private static final long SECOND = 1_000_000_000L;

  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
  private final AtomicLong clock = new AtomicLong();

  private String output() {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void logLinesComeEveryFivePercentOrEveryTenSeconds() {
    HubFile file = new HubFile("model.safetensors", 1_000_000_000L, null);
    LogProgress progress = new LogProgress(out, clock::get);
    progress.planned(1, file.size());
    progress.fileStarted(file, 0);

    // 1% per second: a line every 5% (5 s) before the 10 s interval comes
    for (int s = 1; s <= 20; s++) {
      clock.set(s * SECOND);
      progress.transferred(file, s * 10_000_000L);
    }
    assertThat(output().lines()).hasSize(4);
    assertThat(output().lines().findFirst().orElseThrow())
        .isEqualTo("model.safetensors: 5% (50.0 MB of 1.00 GB), 10.0 MB/s, ETA 1m35s");

    // then 0.1% per second: a line every 10 s
    bytes.reset();
    for (int s = 21; s <= 60; s++) {
      clock.set(s * SECOND);
      progress.transferred(file, 200_000_000L + (s - 20) * 1_000_000L);
    }
    assertThat(output().lines()).hasSize(4).allSatisfy(l -> assertThat(l).contains("ETA"));

    bytes.reset();
    clock.set(100 * SECOND);
    progress.transferred(file, file.size());
    progress.fileFinished(file);
    assertThat(output().lines())
        .containsExactly(
            "model.safetensors: done, 1.00 GB in 100.0 s at 10.0 MB/s (100% of all files)");
  }

  @Test
  void aResumedFileSaysWhereItResumes() {
    HubFile file = new HubFile("model.safetensors", 2_000_000L, null);
    LogProgress progress = new LogProgress(out, clock::get);
    progress.planned(1, file.size());

    progress.fileStarted(file, 500_000);

    assertThat(output()).isEqualTo("model.safetensors: resuming at 500.0 kB of 2.00 MB\n");
  }

  @Test
  void aTerminalGetsOneLineRedrawnInPlace() {
    HubFile file = new HubFile("model.safetensors", 1_000_000L, null);
    TerminalProgress progress = new TerminalProgress(out, clock::get);
    progress.planned(1, file.size());
    progress.fileStarted(file, 0);
    for (int s = 1; s <= 4; s++) {
      clock.set(s * SECOND);
      progress.transferred(file, s * 250_000L);
    }
    progress.fileFinished(file);
    assertThat(output()).doesNotContain("\n").contains("\r 50%  500.0 kB of 1.00 MB  0.3 MB/s");

    progress.note("a retry");
    progress.finished();

    assertThat(output()).contains("\ra retry\n").endsWith("a retry\n");
  }
}
