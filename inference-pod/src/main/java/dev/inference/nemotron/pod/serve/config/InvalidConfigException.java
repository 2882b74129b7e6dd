package dev.inference.nemotron.pod.serve.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A configuration file (or a file it points to, such as a tenant's key file) that cannot be used.
 * The message starts with the file and names the key, e.g. {@code /etc/nemotron/runtime.yaml:
 * modes.mix: shares must sum to 100, got 90}; it never holds a secret.
 */
public final class InvalidConfigException extends RuntimeException {

  private final transient Path file;

  /** An error in {@code file}; the message is prefixed with the file. */
  public InvalidConfigException(Path file, String problem) {
    super(Objects.requireNonNull(file, "file") + ": " + problem);
    this.file = file;
  }

  /** The file at fault. */
  public Path file() {
    return file;
  }
}
