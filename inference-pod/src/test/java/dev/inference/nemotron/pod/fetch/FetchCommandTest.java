package dev.inference.nemotron.pod.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.inference.nemotron.pod.cli.CommandArgs;
import dev.inference.nemotron.pod.cli.FetchCommand;
import dev.inference.nemotron.pod.cli.UsageException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ndd fetch} as the download Job and the init containers run it. */
class FetchCommandTest {
  @TempDir Path tmp;

  private static String run(Map<String, String> env, String... argv) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      new FetchCommand(env).run(CommandArgs.parse(argv), out);
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void fetchesFromTheHubAtHfEndpointThenReportsAlreadyComplete() throws Exception {
    Path into = tmp.resolve("models/key");
    try (FakeHub hub = new FakeHub(FakeHub.checkpoint(tmp.resolve("repo")))) {
      String first = run(hub.env(), "--source", FakeHub.SOURCE, "--into", into.toString());

      assertThat(first)
          .contains("fetched 9 files")
          .contains("of " + FakeHub.SOURCE + " at revision 'main' (commit " + FakeHub.COMMIT + ")");
      assertThat(CompletionMarker.isComplete(into)).isTrue();

      String second =
          run(
              hub.env(),
              "--source",
              FakeHub.SOURCE,
              "--revision",
              "main",
              "--into",
              into.toString());

      assertThat(second).contains(into + " is already complete");
    }
  }

  @Test
  void volumeSourcesNeedNoDownload() throws Exception {
    for (String uri : new String[] {"pvc://weights/nemotron-8b", "file:///var/lib/ndd/models/8b"}) {
      String out = run(Map.of(), "--source", uri, "--into", tmp.resolve("m").toString());

      assertThat(out).contains(uri + " is read in place").contains("nothing to download");
    }
    assertThat(tmp.resolve("m")).doesNotExist();
  }

  @Test
  void objectStoreAndRegistrySourcesAreNotSupportedYet() {
    assertThatThrownBy(
            () -> run(Map.of(), "--source", "s3://bucket/models/8b", "--into", tmp.toString()))
        .isInstanceOf(FetchException.class)
        .hasMessageContaining("s3:// sources are not supported by this runtime yet")
        .hasMessageContaining("hf://ORG/NAME")
        .hasMessageContaining("pvc://");
    assertThatThrownBy(
            () ->
                run(
                    Map.of(),
                    "--source",
                    "oci://registry.example/models/8b:v1",
                    "--registry-auth",
                    "/var/run/secrets/nemotron/registry",
                    "--into",
                    tmp.toString()))
        .isInstanceOf(FetchException.class)
        .hasMessageContaining("oci:// sources are not supported by this runtime yet");
  }

  @Test
  void aSourceWithoutAKnownSchemeIsAUsageError() {
    assertThatThrownBy(() -> run(Map.of(), "--source", "nvidia/Nemotron", "--into", tmp.toString()))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("hf://ORG/NAME");
    assertThatThrownBy(
            () -> run(Map.of(), "--source", "hf://just-a-name", "--into", tmp.toString()))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("hf://ORG/NAME");
  }

  @Test
  void waitReturnsWhenTheDirectoryIsComplete() throws Exception {
    CompletionMarker.write(
        tmp,
        new CompletionMarker.Contents(FakeHub.SOURCE, "main", FakeHub.COMMIT, 9, 1, Instant.now()));

    String out = run(Map.of(), "--wait", "--into", tmp.toString());

    assertThat(out).contains(tmp + " is complete");
  }

  @Test
  void waitGivesUpAfterItsTimeoutNamingTheMarkerAndTheJob() {
    long start = System.nanoTime();

    assertThatThrownBy(
            () -> run(Map.of(), "--wait", "--into", tmp.toString(), "--timeout", "300ms"))
        .isInstanceOf(TimeoutException.class)
        .hasMessageContaining(tmp.resolve(".complete").toString())
        .hasMessageContaining("not complete after 300ms")
        .hasMessageContaining("kubectl get jobs");
    assertThat((System.nanoTime() - start) / 1e9).isLessThan(3);
  }

  @Test
  void waitTakesNoSource() {
    assertThatThrownBy(
            () -> run(Map.of(), "--wait", "--source", FakeHub.SOURCE, "--into", tmp.toString()))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("drop --source");
  }

  @Test
  void theTokenIsNeverPrinted() throws Exception {
    Path into = tmp.resolve("models/key");
    try (FakeHub hub = new FakeHub(FakeHub.checkpoint(tmp.resolve("repo")))) {
      hub.requireToken("hf_secretValue");

      String out =
          run(
              hub.env("HF_TOKEN", "hf_secretValue"),
              "--source",
              FakeHub.SOURCE,
              "--into",
              into.toString());

      assertThat(out).contains("fetched 9 files").doesNotContain("hf_secretValue");
      assertThat(Files.readString(into.resolve(".complete"))).doesNotContain("hf_secretValue");
    }
  }
}
