package dev.inference.nemotron.pod.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Downloads that break and continue where they stopped, with a Range request. */
class FetchResumeTest {
  private static final String SHARD = "model-00001-of-00002.safetensors";

  @TempDir Path tmp;
  private FakeHub hub;
  private Path into;
  private final ByteArrayOutputStream log = new ByteArrayOutputStream();

  @BeforeEach
  void startHub() throws Exception {
    hub = new FakeHub(FakeHub.checkpoint(tmp.resolve("repo")));
    into = tmp.resolve("models").resolve("abc");
  }

  @AfterEach
  void stopHub() {
    hub.close();
  }

  private HubFetch.Result fetch(RetryPolicy retry) throws Exception {
    PrintStream out = new PrintStream(log, true, StandardCharsets.UTF_8);
    return new HubFetch(hub.access(), retry, DownloadProgress.forOutput(out, false))
        .fetch(FetchSource.parse(FakeHub.SOURCE), "main", into);
  }

  private static RetryPolicy retry(int attempts, Duration idle) {
    return new RetryPolicy(
        attempts, Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofSeconds(5), idle);
  }

  /** The offset a ranged request asked for. */
  private static long rangeStart(FakeHub.Request request) {
    return Long.parseLong(request.range().replaceAll("bytes=(\\d+)-.*", "$1"));
  }

  @Test
  void aConnectionCutMidFileIsResumedWithARangeRequest() throws Exception {
    hub.cutOnce(SHARD, 1000);

    fetch(retry(3, Duration.ofSeconds(10)));

    List<FakeHub.Request> gets = hub.downloadsOf(SHARD);
    assertThat(gets).hasSize(2);
    assertThat(gets.get(0).range()).isNull();
    assertThat(rangeStart(gets.get(1))).isPositive().isLessThanOrEqualTo(1000);
    assertThat(into.resolve(SHARD)).hasBinaryContent(hub.content(SHARD));
    assertThat(CompletionMarker.isComplete(into)).isTrue();
    assertThat(log.toString(StandardCharsets.UTF_8)).contains(SHARD + ": ").contains("resuming at");
  }

  @Test
  void aFailedRunKeepsItsBytesAndTheNextRunResumesThem() throws Exception {
    hub.cutOnce(SHARD, 1000);

    assertThatThrownBy(() -> fetch(retry(1, Duration.ofSeconds(10))))
        .isInstanceOf(FetchException.class)
        .hasMessageContaining(SHARD + ": download failed 1 time(s) in a row")
        .hasMessageContaining("run again to resume");
    Path partial = into.resolve(StagingDirectory.NAME).resolve(SHARD);
    assertThat(Files.size(partial)).isPositive().isLessThanOrEqualTo(1000);
    assertThat(CompletionMarker.isComplete(into)).isFalse();
    assertThat(into.resolve(SHARD)).doesNotExist();
    long kept = Files.size(partial);

    fetch(retry(1, Duration.ofSeconds(10)));

    List<FakeHub.Request> gets = hub.downloadsOf(SHARD);
    assertThat(gets).hasSize(2);
    assertThat(rangeStart(gets.get(1))).isEqualTo(kept);
    assertThat(into.resolve(SHARD)).hasBinaryContent(hub.content(SHARD));
    assertThat(into.resolve(StagingDirectory.NAME)).doesNotExist();
    assertThat(CompletionMarker.isComplete(into)).isTrue();
  }

  @Test
  void aStalledTransferIsAbandonedAndResumed() throws Exception {
    hub.stallOnce(SHARD, 1000);

    fetch(retry(3, Duration.ofMillis(400)));

    List<FakeHub.Request> gets = hub.downloadsOf(SHARD);
    assertThat(gets).hasSize(2);
    assertThat(rangeStart(gets.get(1))).isPositive();
    assertThat(into.resolve(SHARD)).hasBinaryContent(hub.content(SHARD));
    assertThat(log.toString(StandardCharsets.UTF_8)).contains("no data from");
  }

  @Test
  void partialFilesOfAnotherCommitAreDropped() throws Exception {
    Path staging = Files.createDirectories(into.resolve(StagingDirectory.NAME));
    Files.writeString(staging.resolve(".commit"), "0".repeat(40));
    // a prefix of another revision's config.json would otherwise be continued
    Files.writeString(staging.resolve("config.json"), "{\"old\":");

    fetch(retry(1, Duration.ofSeconds(10)));

    assertThat(into.resolve("config.json")).hasBinaryContent(hub.content("config.json"));
    assertThat(hub.downloadsOf("config.json"))
        .singleElement()
        .satisfies(r -> assertThat(r.range()).isNull());
  }

  @Test
  void filesMovedInPlaceBeforeACrashAreVerifiedNotDownloadedAgain() throws Exception {
    fetch(retry(1, Duration.ofSeconds(10)));
    // as if the previous run had stopped between moving the files and writing the marker
    Files.delete(into.resolve(CompletionMarker.FILE_NAME));
    hub.requests.clear();

    fetch(retry(1, Duration.ofSeconds(10)));

    assertThat(hub.downloadsOf(SHARD)).isEmpty();
    assertThat(hub.downloadsOf("config.json")).hasSize(1);
    assertThat(into.resolve(SHARD)).hasBinaryContent(hub.content(SHARD));
    assertThat(CompletionMarker.isComplete(into)).isTrue();
  }
}
