package dev.inference.nemotron.pod.fetch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The file {@code .complete} in a model directory: written by {@code ndd fetch} after every file is
 * in place, so its presence means the checkpoint is whole. Replicas sharing a weight cache wait for
 * it ({@code ndd fetch --wait}, {@code ndd serve}) instead of loading a half-downloaded checkpoint;
 * its content says what was downloaded, so a second fetch of the same source and revision is a
 * no-op.
 */
public final class CompletionMarker {
  /** The marker's file name (the operator's {@code RuntimeLayout.COMPLETE_MARKER}). */
  public static final String FILE_NAME = ".complete";

  /** How often {@link #await} looks. */
  static final Duration POLL_INTERVAL = Duration.ofSeconds(5);

  /** How often {@link #await} says it is still waiting. */
  static final Duration LOG_INTERVAL = Duration.ofSeconds(30);

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * What a completed fetch downloaded.
   *
   * @param source the source URI
   * @param revision the revision asked for ({@code main}, a tag or a commit)
   * @param commit the commit the revision pointed at
   * @param files number of files
   * @param bytes their total size
   * @param completedAt when the marker was written
   */
  public record Contents(
      String source, String revision, String commit, int files, long bytes, Instant completedAt) {

    /** Whether this download was of {@code source} at {@code revision}. */
    public boolean matches(String source, String revision) {
      return this.source.equals(source) && this.revision.equals(revision);
    }
  }

  private CompletionMarker() {}

  /** Whether {@code dir} holds a complete checkpoint (its marker exists). */
  public static boolean isComplete(Path dir) {
    return Files.isRegularFile(dir.resolve(FILE_NAME));
  }

  /** The marker's contents; empty when there is none or it is not one this runtime wrote. */
  public static Optional<Contents> read(Path dir) {
    Path marker = dir.resolve(FILE_NAME);
    if (!Files.isRegularFile(marker)) {
      return Optional.empty();
    }
    try {
      JsonNode root = JSON.readTree(marker.toFile());
      if (root == null || !root.path("source").isTextual() || !root.path("revision").isTextual()) {
        return Optional.empty();
      }
      return Optional.of(
          new Contents(
              root.get("source").asText(),
              root.get("revision").asText(),
              root.path("commit").asText(""),
              root.path("files").asInt(),
              root.path("bytes").asLong(),
              Instant.parse(root.path("completedAt").asText(Instant.EPOCH.toString()))));
    } catch (IOException | RuntimeException e) {
      return Optional.empty(); // an empty or foreign marker: download again
    }
  }

  /**
   * Writes the marker atomically (a temporary file renamed into place, after its bytes reach the
   * disk), so that a waiting replica never reads half of it and a crash never leaves a marker
   * without its content.
   */
  static void write(Path dir, Contents contents) throws IOException {
    ObjectNode root = JSON.createObjectNode();
    root.put("source", contents.source());
    root.put("revision", contents.revision());
    root.put("commit", contents.commit());
    root.put("files", contents.files());
    root.put("bytes", contents.bytes());
    root.put("completedAt", contents.completedAt().toString());
    byte[] bytes =
        (JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n")
            .getBytes(StandardCharsets.UTF_8);
    Path temporary = dir.resolve(FILE_NAME + ".tmp");
    try (FileChannel channel =
        FileChannel.open(
            temporary,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer buffer = ByteBuffer.wrap(bytes);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      channel.force(true);
    }
    Files.move(temporary, dir.resolve(FILE_NAME), StandardCopyOption.ATOMIC_MOVE);
  }

  /** Removes the marker before {@code dir}'s files are replaced. */
  static void remove(Path dir) throws IOException {
    Files.deleteIfExists(dir.resolve(FILE_NAME));
  }

  /**
   * Waits until {@code dir} is complete, looking every 5 s and saying so in {@code log} every 30 s.
   *
   * @param timeout how long to wait at most
   * @throws TimeoutException when the marker has not appeared within {@code timeout}; its message
   *     says where to look
   */
  public static void await(Path dir, Duration timeout, Consumer<String> log)
      throws InterruptedException, TimeoutException {
    await(dir, timeout, log, POLL_INTERVAL, LOG_INTERVAL);
  }

  static void await(
      Path dir, Duration timeout, Consumer<String> log, Duration poll, Duration logInterval)
      throws InterruptedException, TimeoutException {
    Path marker = dir.resolve(FILE_NAME);
    if (isComplete(dir)) {
      log.accept(dir + " is complete");
      return;
    }
    log.accept(
        "waiting for "
            + marker
            + " (written when the weight download finishes), up to "
            + ByteCount.time(timeout));
    long start = System.nanoTime();
    long deadline = start + timeout.toNanos();
    long nextLog = start + logInterval.toNanos();
    while (!isComplete(dir)) {
      long now = System.nanoTime();
      if (now - deadline >= 0) {
        throw new TimeoutException(
            "the weights in "
                + dir
                + " are not complete after "
                + ByteCount.time(timeout)
                + " ("
                + marker
                + " does not exist): the download Job writes it when it finishes; check the Job"
                + " (kubectl get jobs -l app.kubernetes.io/component=weight-fetch) and its logs");
      }
      if (now - nextLog >= 0) {
        log.accept(
            "still waiting for "
                + marker
                + " after "
                + ByteCount.time(Duration.ofNanos(now - start)));
        nextLog = now + logInterval.toNanos();
      }
      Thread.sleep(Math.max(1, Math.min(poll.toMillis(), (deadline - now) / 1_000_000)));
    }
    log.accept(
        dir + " is complete after " + ByteCount.time(Duration.ofNanos(System.nanoTime() - start)));
  }
}
