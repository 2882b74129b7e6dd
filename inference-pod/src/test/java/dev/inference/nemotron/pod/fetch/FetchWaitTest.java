package dev.inference.nemotron.pod.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link CompletionMarker}: what replicas wait for. */
class FetchWaitTest {
  @TempDir Path dir;

  private static CompletionMarker.Contents contents() {
    return new CompletionMarker.Contents(
        FakeHub.SOURCE, "main", FakeHub.COMMIT, 9, 123_456, Instant.parse("2026-01-02T03:04:05Z"));
  }

  @Test
  void awaitReturnsOnceTheMarkerAppears() throws Exception {
    List<String> log = new CopyOnWriteArrayList<>();
    Thread writer =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    Thread.sleep(300);
                    CompletionMarker.write(dir, contents());
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                });
    try {
      CompletionMarker.await(
          dir, Duration.ofSeconds(10), log::add, Duration.ofMillis(20), Duration.ofMillis(100));
    } finally {
      writer.join();
    }

    assertThat(CompletionMarker.isComplete(dir)).isTrue();
    assertThat(log.getFirst()).startsWith("waiting for " + dir.resolve(".complete"));
    assertThat(log).anySatisfy(line -> assertThat(line).startsWith("still waiting for"));
    assertThat(log.getLast()).startsWith(dir + " is complete after");
  }

  @Test
  void awaitTimesOutWithAMessageSayingWhereToLook() {
    assertThatThrownBy(() -> CompletionMarker.await(dir, Duration.ofMillis(200), line -> {}))
        .isInstanceOf(TimeoutException.class)
        .hasMessageContaining("the weights in " + dir + " are not complete after 200ms")
        .hasMessageContaining("app.kubernetes.io/component=weight-fetch");
  }

  @Test
  void theMarkerRecordsWhatWasDownloadedAndNoTemporaryFileRemains() throws Exception {
    assertThat(CompletionMarker.isComplete(dir)).isFalse();
    assertThat(CompletionMarker.read(dir)).isEmpty();

    CompletionMarker.write(dir, contents());

    assertThat(CompletionMarker.isComplete(dir)).isTrue();
    assertThat(CompletionMarker.read(dir)).contains(contents());
    assertThat(CompletionMarker.read(dir).orElseThrow().matches(FakeHub.SOURCE, "main")).isTrue();
    assertThat(CompletionMarker.read(dir).orElseThrow().matches(FakeHub.SOURCE, "v2")).isFalse();
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly(".complete");
    }
  }

  @Test
  void aForeignMarkerCountsAsCompleteButNotAsThisDownload() throws Exception {
    Files.writeString(dir.resolve(".complete"), "");

    assertThat(CompletionMarker.isComplete(dir)).isTrue();
    assertThat(CompletionMarker.read(dir)).isEmpty();
  }
}
