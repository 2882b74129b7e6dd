package dev.inference.nemotron.pod.serve;

/**
 * A request the model cannot serve as asked (too long for the context, bad sampling values, ...):
 * the API answers 400 naming {@link #param()}, the CLI prints the message.
 */
public final class RequestException extends IllegalArgumentException {
  private final String param;

  /**
   * @param param the request field at fault, or null
   * @param message what is wrong and what to do
   */
  public RequestException(String param, String message) {
    super(message);
    this.param = param;
  }

  /** The request field at fault, or null. */
  public String param() {
    return param;
  }
}
