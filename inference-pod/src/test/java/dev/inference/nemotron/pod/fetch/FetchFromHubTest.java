package dev.inference.nemotron.pod.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.inference.nemotron.pod.model.Checkpoint;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link HubFetch} against a Hub on loopback serving a generated checkpoint. */
class FetchFromHubTest {
  static final RetryPolicy FAST =
      new RetryPolicy(
          3,
          Duration.ofMillis(10),
          Duration.ofMillis(50),
          Duration.ofSeconds(5),
          Duration.ofSeconds(10));

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

  private HubFetch.Result fetch(HubAccess access, String revision) throws Exception {
    PrintStream out = new PrintStream(log, true, StandardCharsets.UTF_8);
    return new HubFetch(access, FAST, DownloadProgress.forOutput(out, false))
        .fetch(FetchSource.parse(FakeHub.SOURCE), revision, into);
  }

  private String log() {
    return log.toString(StandardCharsets.UTF_8);
  }

  private List<String> filesIn(Path dir) throws Exception {
    try (Stream<Path> paths = Files.walk(dir)) {
      return paths
          .filter(Files::isRegularFile)
          .map(p -> dir.relativize(p).toString())
          .sorted()
          .toList();
    }
  }

  @Test
  void downloadsTheCheckpointByteForByteAndWritesTheMarkerLast() throws Exception {
    Files.createDirectories(into);
    List<String> created = new ArrayList<>();
    HubFetch.Result result;
    try (WatchService watch = FileSystems.getDefault().newWatchService()) {
      into.register(watch, StandardWatchEventKinds.ENTRY_CREATE);
      result = fetch(hub.access(), "main");
      WatchKey key;
      while ((key = watch.poll(300, TimeUnit.MILLISECONDS)) != null) {
        for (WatchEvent<?> event : key.pollEvents()) {
          if (event.context() instanceof Path p) {
            created.add(p.toString());
          }
        }
        key.reset();
      }
    }

    List<String> expected =
        List.of(
            ".complete",
            "config.json",
            "generation_config.json",
            "linear_spec_lora/adapter_config.json",
            "linear_spec_lora/adapter_model.safetensors",
            "model-00001-of-00002.safetensors",
            "model-00002-of-00002.safetensors",
            "model.safetensors.index.json",
            "tokenizer.json",
            "tokenizer_config.json");
    assertThat(filesIn(into)).containsExactlyElementsOf(expected);
    for (String f : expected.subList(1, expected.size())) {
      assertThat(into.resolve(f)).as(f).hasBinaryContent(hub.content(f));
    }
    assertThat(created).last().isEqualTo(".complete");
    assertThat(result.alreadyComplete()).isFalse();
    CompletionMarker.Contents marker = CompletionMarker.read(into).orElseThrow();
    assertThat(marker.source()).isEqualTo(FakeHub.SOURCE);
    assertThat(marker.revision()).isEqualTo("main");
    assertThat(marker.commit()).isEqualTo(FakeHub.COMMIT);
    assertThat(marker.files()).isEqualTo(9);
    long bytes = 0;
    for (String f : expected.subList(1, expected.size())) {
      bytes += Files.size(into.resolve(f));
    }
    assertThat(marker.bytes()).isEqualTo(bytes);
    // the files come from the commit the listing named, the weights by way of the CDN
    assertThat(hub.requests("cdn")).hasSize(3);
    assertThat(hub.requests("hub"))
        .filteredOn(r -> r.path().contains("/resolve/"))
        .allSatisfy(r -> assertThat(r.path()).contains("/resolve/" + FakeHub.COMMIT + "/"));

    try (Checkpoint checkpoint = Checkpoint.open(into, true)) {
      assertThat(checkpoint.config().numHiddenLayers()).isEqualTo(2);
      assertThat(checkpoint.draftAdapter()).isPresent();
    }
  }

  @Test
  void skipsTheFilesTheRuntimeDoesNotRead() throws Exception {
    hub.addUnneededFiles();

    fetch(hub.access(), "main");

    assertThat(filesIn(into))
        .doesNotContain(
            "README.md",
            ".gitattributes",
            "pytorch_model.bin",
            "model-q4.gguf",
            "original/consolidated.safetensors",
            "linear_spec_lora/README.md")
        .hasSize(10);
    assertThat(hub.requests)
        .noneSatisfy(r -> assertThat(r.path()).endsWith("README.md"))
        .noneSatisfy(r -> assertThat(r.path()).contains("/resolve/" + FakeHub.COMMIT + "/original"))
        .noneSatisfy(r -> assertThat(r.path()).endsWith(".bin"));
    assertThat(log()).contains("skipping 6 file(s) the runtime does not read");
  }

  @Test
  void refusalWithoutATokenNamesTheSecretAndTheTokenOpensTheGate() throws Exception {
    String token = "hf_fakeTokenForTests0123456789";
    hub.requireToken(token);

    assertThatThrownBy(() -> fetch(hub.access(), "main"))
        .isInstanceOf(FetchException.class)
        .hasMessageContaining(
            "the Hub refused access to nvidia/tiny-diffusion (HTTP 401): set HF_TOKEN from the"
                + " secret named in spec.model.source.secretRef");
    assertThat(CompletionMarker.isComplete(into)).isFalse();

    // a Secret created from a file ends in a newline
    fetch(hub.access("HF_TOKEN", token + "\n"), "main");

    assertThat(CompletionMarker.isComplete(into)).isTrue();
    assertThat(hub.requests("hub").getLast().authorization()).isEqualTo("Bearer " + token);
    assertThat(hub.requests("cdn"))
        .isNotEmpty()
        .allSatisfy(r -> assertThat(r.authorization()).isNull());
    assertThat(log()).doesNotContain(token);
  }

  @Test
  void theOlderTokenVariableWorksToo() throws Exception {
    hub.requireToken("hf_old");

    fetch(hub.access("HUGGING_FACE_HUB_TOKEN", "hf_old"), "main");

    assertThat(CompletionMarker.isComplete(into)).isTrue();
  }

  @Test
  void aRefusedTokenSaysToCheckTheTokenAndTheLicense() {
    hub.requireToken("hf_right");

    assertThatThrownBy(() -> fetch(hub.access("HF_TOKEN", "hf_wrong"), "main"))
        .isInstanceOf(FetchException.class)
        .hasMessageContaining("(HTTP 401) with the token in HF_TOKEN")
        .hasMessageContaining("license")
        .hasMessageNotContaining("hf_wrong");
  }

  @Test
  void anUnknownRevisionIsNamed() {
    assertThatThrownBy(() -> fetch(hub.access(), "v9"))
        .isInstanceOf(FetchException.class)
        .hasMessageContaining("revision 'v9' not found in nvidia/tiny-diffusion (HTTP 404)")
        .hasMessageContaining("spec.model.source.revision");
  }

  @Test
  void aSizeMismatchNamesTheFileAndBothSizesAndWritesNoMarker() throws Exception {
    String shard = "model-00002-of-00002.safetensors";
    int actual = hub.content(shard).length;
    hub.lieAboutSize(shard, 7);

    assertThatThrownBy(() -> fetch(hub.access(), "main"))
        .isInstanceOf(FetchException.class)
        .hasMessageContaining(shard)
        .hasMessageContaining(actual + " bytes")
        .hasMessageContaining((actual + 7) + " bytes");
    assertThat(CompletionMarker.isComplete(into)).isFalse();
    assertThat(into.resolve(shard)).doesNotExist();
  }

  @Test
  void aChecksumMismatchDeletesTheDownloadAndWritesNoMarker() throws Exception {
    String shard = "model-00001-of-00002.safetensors";
    hub.lieAboutChecksum(shard);

    assertThatThrownBy(() -> fetch(hub.access(), "main"))
        .isInstanceOf(FetchException.class)
        .hasMessageContaining(shard + ": SHA-256 " + FakeHub.sha256(hub.content(shard)))
        .hasMessageContaining("0".repeat(64));
    assertThat(CompletionMarker.isComplete(into)).isFalse();
    assertThat(into.resolve(StagingDirectory.NAME).resolve(shard)).doesNotExist();
  }

  @Test
  void aCompleteDirectoryOfTheSameSourceAndRevisionReturnsAtOnce() throws Exception {
    fetch(hub.access(), "main");
    hub.requests.clear();

    HubFetch.Result again = fetch(hub.access(), "main");

    assertThat(again.alreadyComplete()).isTrue();
    assertThat(again.contents().commit()).isEqualTo(FakeHub.COMMIT);
    assertThat(hub.requests).isEmpty();
  }

  @Test
  void anotherRevisionReplacesTheMarker() throws Exception {
    fetch(hub.access(), "main");

    HubFetch.Result pinned = fetch(hub.access(), FakeHub.COMMIT);

    assertThat(pinned.alreadyComplete()).isFalse();
    assertThat(CompletionMarker.read(into).orElseThrow().revision()).isEqualTo(FakeHub.COMMIT);
    assertThat(log()).contains("holds another download (" + FakeHub.SOURCE + " at revision main)");
  }

  @Test
  void aListingWithoutSizesIsCompletedWithHeadRequests() throws Exception {
    hub.listWithoutSizes();

    fetch(hub.access(), "main");

    assertThat(CompletionMarker.read(into).orElseThrow().files()).isEqualTo(9);
    assertThat(hub.requests("hub")).filteredOn(r -> r.method().equals("HEAD")).hasSize(9);
  }

  @Test
  void aVolumeTooSmallFailsBeforeDownloading() throws Exception {
    hub.lieAboutSize("model-00001-of-00002.safetensors", 1L << 60);

    assertThatThrownBy(() -> fetch(hub.access(), "main"))
        .isInstanceOf(FetchException.class)
        .hasMessageContaining("more but the volume holding " + into)
        .hasMessageContaining("spec.model.cache.pvc.size");
    assertThat(hub.requests("cdn")).isEmpty();
  }

  @Test
  void anUnwritableModelDirectoryIsNamed() throws Exception {
    Files.createDirectories(into.getParent());
    Files.writeString(into, "a file where the directory should be");

    assertThatThrownBy(() -> fetch(hub.access(), "main"))
        .isInstanceOf(FetchException.class)
        .hasMessageContaining("cannot write " + into);
  }

  @Test
  void writeFailuresSayWhatToChange() {
    Path file = into.resolve(".partial/model.safetensors");

    assertThat(StagingDirectory.writeFailure(file, new AccessDeniedException(file.toString())))
        .hasMessageContaining("cannot write " + file + ": permission denied")
        .hasMessageContaining("fsGroup");
    assertThat(
            StagingDirectory.writeFailure(
                file, new FileSystemException(file.toString(), null, "No space left on device")))
        .hasMessageContaining("cannot write " + file + ": the volume is full")
        .hasMessageContaining("spec.model.cache.pvc.size");
    assertThat(
            StagingDirectory.writeFailure(
                file, new FileSystemException(file.toString(), null, "Read-only file system")))
        .hasMessageContaining("mounted read-only");
  }

  @Test
  void progressIsLoggedPerFile() throws Exception {
    fetch(hub.access(), "main");

    assertThat(log())
        .contains("fetching 9 files")
        .contains("(commit " + FakeHub.COMMIT + ")")
        .contains("model-00001-of-00002.safetensors: done")
        .doesNotContain("\r");
  }
}
