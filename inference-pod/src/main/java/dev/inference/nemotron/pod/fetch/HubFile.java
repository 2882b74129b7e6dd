package dev.inference.nemotron.pod.fetch;

import java.util.Optional;

/**
 * One file of a Hub repository, as its listing describes it.
 *
 * @param path the path inside the repository ({@code rfilename}), '/'-separated
 * @param size its size in bytes, or {@link #UNKNOWN_SIZE} when the listing gave none
 * @param sha256 the SHA-256 of its content in hex, given for files stored with Git LFS (the
 *     weights), else null
 */
public record HubFile(String path, long size, String sha256) {
  /** {@link #size()} of a file the listing gave no size for. */
  public static final long UNKNOWN_SIZE = -1;

  public HubFile {
    if (path == null || path.isEmpty()) {
      throw new IllegalArgumentException("a Hub file needs a path");
    }
  }

  /** The checksum to verify the download against, when the listing gives one. */
  public Optional<String> checksum() {
    return Optional.ofNullable(sha256);
  }

  /** The same file with its size known. */
  HubFile withSize(long bytes) {
    return new HubFile(path, bytes, sha256);
  }
}
