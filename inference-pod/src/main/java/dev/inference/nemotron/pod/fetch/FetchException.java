package dev.inference.nemotron.pod.fetch;

import java.io.IOException;

/**
 * A download failure that retrying will not fix (access refused, not found, a size or checksum
 * mismatch, a full or read-only disk). Its message says what went wrong and what to change; any
 * other {@link IOException} during a download is a network failure and is retried.
 */
public final class FetchException extends IOException {
  private static final long serialVersionUID = 1L;

  public FetchException(String message) {
    super(message);
  }

  public FetchException(String message, Throwable cause) {
    super(message, cause);
  }
}
