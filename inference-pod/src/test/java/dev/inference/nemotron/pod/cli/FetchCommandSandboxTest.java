package dev.inference.nemotron.pod.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.inference.nemotron.pod.fetch.CompletionMarker;
import dev.inference.nemotron.pod.serve.PodSandbox;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ndd fetch} under {@code NDD_POD_ROOT}: the pod's {@code --into /models/...} is the
 * directory under the root, as {@code ndd serve} resolves its pod paths.
 */
class FetchCommandSandboxTest {

  @TempDir Path root;

  @Test
  void waitLooksForTheMarkerUnderThePodRoot() throws Exception {
    Path dir = Files.createDirectories(root.resolve("models/0123456789"));
    Files.writeString(dir.resolve(CompletionMarker.FILE_NAME), "{}");
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    sandboxed()
        .run(
            CommandArgs.parse(new String[] {"--wait", "--into", "/models/0123456789"}),
            new PrintStream(out, true, StandardCharsets.UTF_8));

    assertThat(out.toString(StandardCharsets.UTF_8)).contains(dir + " is complete");
  }

  @Test
  void waitWithoutTheMarkerTimesOutNamingTheDirectoryUnderThePodRoot() {
    assertThatThrownBy(
            () ->
                sandboxed()
                    .run(
                        CommandArgs.parse(
                            new String[] {
                              "--wait", "--into", "/models/0123456789", "--timeout", "200ms"
                            }),
                        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)))
        .isInstanceOf(TimeoutException.class)
        .hasMessageContaining(root.resolve("models/0123456789").toString());
  }

  @Test
  void withoutTheRootPodPathsAreTakenAsGiven() throws Exception {
    Path dir = Files.createDirectories(root.resolve("elsewhere"));
    Files.writeString(dir.resolve(CompletionMarker.FILE_NAME), "{}");
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    new FetchCommand(Map.of())
        .run(
            CommandArgs.parse(new String[] {"--wait", "--into", dir.toString()}),
            new PrintStream(out, true, StandardCharsets.UTF_8));

    assertThat(out.toString(StandardCharsets.UTF_8)).contains(dir + " is complete");
  }

  private FetchCommand sandboxed() {
    return new FetchCommand(Map.of(PodSandbox.ROOT_ENV, root.toString()));
  }
}
