package dev.inference.nemotron.pod.load;

/** A load run that cannot give figures: its message says what went wrong and what to check. */
public final class LoadException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public LoadException(String message) {
    super(message);
  }
}
