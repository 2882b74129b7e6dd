package dev.inference.nemotron.pod.model;

import java.io.IOException;

/**
 * A checkpoint file that cannot be used as it is: malformed, truncated, or not matching the model's
 * config. The message names the file, the field or tensor, and what was expected. It quotes file
 * content (tensor names, config values), so control characters in it are escaped ({@link
 * Printable#quote}): a hostile checkpoint cannot send escape sequences to the terminal.
 */
public final class CheckpointFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  public CheckpointFormatException(String message) {
    super(Printable.quote(message));
  }

  public CheckpointFormatException(String message, Throwable cause) {
    super(Printable.quote(message), cause);
  }
}
