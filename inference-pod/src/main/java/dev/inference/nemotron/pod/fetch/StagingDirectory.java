package dev.inference.nemotron.pod.fetch;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * {@code DIR/.partial/}: where files are downloaded before they move into the model directory. It
 * is inside DIR, so on the same file system, so that each file's move is one atomic rename; and a
 * broken download leaves its bytes there to be resumed, never half a file where the runtime looks.
 *
 * <p>It remembers the commit its files belong to: when the revision moved on between two runs (a
 * new push to {@code main}), resuming would splice two versions of a file together, so the old
 * partial files are dropped.
 */
final class StagingDirectory {
  /** The staging folder's name inside the model directory. */
  static final String NAME = ".partial";

  private static final String COMMIT_FILE = ".commit";

  /** What to do about a full volume. */
  private static final String GROW_VOLUME =
      "grow it (with a weight cache: spec.model.cache.pvc.size; without one, the node's ephemeral"
          + " storage) or free space";

  private final Path into;
  private final Path root;

  StagingDirectory(Path into) {
    this.into = into;
    this.root = into.resolve(NAME);
  }

  /** Creates the folder for {@code commit}, dropping partial files of any other commit. */
  void prepare(String commit) throws IOException {
    Path commitFile = root.resolve(COMMIT_FILE);
    try {
      if (Files.isDirectory(root)
          && !(Files.isRegularFile(commitFile) && Files.readString(commitFile).equals(commit))) {
        deleteTree(root);
      }
      Files.createDirectories(root);
      Files.writeString(commitFile, commit);
    } catch (IOException e) {
      throw writeFailure(root, e);
    }
  }

  /** Where {@code file} is downloaded to (its parent folders created). */
  Path partial(HubFile file) throws IOException {
    Path path = inside(root, file);
    try {
      Files.createDirectories(path.getParent());
    } catch (IOException e) {
      throw writeFailure(path.getParent(), e);
    }
    return path;
  }

  /** Bytes of {@code file} already downloaded. */
  long partialSize(HubFile file) throws IOException {
    Path path = inside(root, file);
    return Files.isRegularFile(path) ? Files.size(path) : 0;
  }

  /** Where {@code file} ends up. */
  Path target(HubFile file) throws FetchException {
    return inside(into, file);
  }

  /**
   * Fails early, before hours of downloading, when the volume cannot hold the rest of the files.
   */
  void requireSpace(long bytesStillNeeded, String what) throws IOException {
    long usable = Files.getFileStore(root).getUsableSpace();
    if (bytesStillNeeded > usable) {
      throw new FetchException(
          what
              + " needs "
              + ByteCount.format(bytesStillNeeded)
              + " more but the volume holding "
              + into
              + " has "
              + ByteCount.format(usable)
              + " free: "
              + GROW_VOLUME);
    }
  }

  /**
   * Moves every file into the model directory, each by one atomic rename, then drops the folder.
   */
  void promote(List<HubFile> files) throws IOException {
    for (HubFile file : files) {
      Path from = inside(root, file);
      Path to = inside(into, file);
      try {
        Files.createDirectories(to.getParent());
        Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (IOException e) {
        throw writeFailure(to, e);
      }
    }
    deleteTree(root);
  }

  /**
   * A clear message for a failed write: permission, read-only or full volume, each with its fix.
   */
  static FetchException writeFailure(Path path, IOException e) {
    if (e instanceof FetchException fetch) {
      return fetch;
    }
    String reason = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
    if (e instanceof AccessDeniedException || reason.contains("permission denied")) {
      return new FetchException(
          "cannot write "
              + path
              + ": permission denied; the volume must be writable by the fetch container's user"
              + " (the pod's fsGroup)",
          e);
    }
    if (reason.contains("read-only file system")) {
      return new FetchException(
          "cannot write " + path + ": the volume is mounted read-only; mount it read-write", e);
    }
    if (reason.contains("no space left") || reason.contains("quota")) {
      return new FetchException(
          "cannot write " + path + ": the volume is full (" + e.getMessage() + "); " + GROW_VOLUME,
          e);
    }
    return new FetchException("cannot write " + path + ": " + e, e);
  }

  /** {@code base/path}, refusing a repository path that would leave {@code base}. */
  private static Path inside(Path base, HubFile file) throws FetchException {
    Path resolved = base.resolve(file.path()).normalize();
    if (!resolved.startsWith(base.normalize()) || resolved.equals(base.normalize())) {
      throw new FetchException(
          "the Hub listing names a file outside the model directory: " + file.path());
    }
    return resolved;
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
