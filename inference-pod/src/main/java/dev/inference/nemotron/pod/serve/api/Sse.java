package dev.inference.nemotron.pod.serve.api;

import java.nio.charset.StandardCharsets;

/**
 * Server-sent events as OpenAI streams them: one {@code data:} line per JSON chunk, a blank line
 * after each, and {@code data: [DONE]} at the end. Errors after the stream started are sent as an
 * event of {@link ApiError#toJson()}.
 */
public final class Sse {

  /** The last event of every stream. */
  public static final String DONE = "data: [DONE]\n\n";

  /** A comment line: keeps idle connections open through proxies, and clients ignore it. */
  public static final String KEEP_ALIVE = ": keep-alive\n\n";

  private static final byte[] PREFIX = "data: ".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] SUFFIX = "\n\n".getBytes(StandardCharsets.US_ASCII);

  private Sse() {}

  /**
   * {@code data: <json>\n\n}. The JSON must be on one line, which Jackson's compact output is
   * (newlines inside strings are escaped).
   */
  public static byte[] event(byte[] json) {
    for (byte b : json) {
      if (b == '\n' || b == '\r') {
        throw new IllegalArgumentException("an SSE data line must not contain a line break");
      }
    }
    byte[] event = new byte[PREFIX.length + json.length + SUFFIX.length];
    System.arraycopy(PREFIX, 0, event, 0, PREFIX.length);
    System.arraycopy(json, 0, event, PREFIX.length, json.length);
    System.arraycopy(SUFFIX, 0, event, PREFIX.length + json.length, SUFFIX.length);
    return event;
  }
}
