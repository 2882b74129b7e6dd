package dev.inference.nemotron.pod.tokenizer;

import java.util.Arrays;

/**
 * Decodes generated ids one at a time and returns only complete text: a character whose UTF-8 bytes
 * span several byte-level tokens (an emoji, a CJK character) is held back until its last byte
 * arrives. The concatenation of every {@link #push} and the final {@link #finish} equals {@link
 * Tokenizer#decode(int[], boolean)} of all ids. Not thread-safe: one per generation stream.
 */
public final class StreamingDecoder {
  private final Tokenizer tokenizer;
  private final boolean skipSpecialTokens;
  private byte[] pending = new byte[16];
  private int pendingLength;

  StreamingDecoder(Tokenizer tokenizer, boolean skipSpecialTokens) {
    this.tokenizer = tokenizer;
    this.skipSpecialTokens = skipSpecialTokens;
  }

  /** Adds one id; returns the text that became complete (possibly empty, never null). */
  public String push(int id) {
    byte[] bytes = tokenizer.bytesOf(id, skipSpecialTokens);
    if (bytes.length == 0) {
      return "";
    }
    if (pendingLength + bytes.length > pending.length) {
      pending = Arrays.copyOf(pending, Math.max(pending.length * 2, pendingLength + bytes.length));
    }
    System.arraycopy(bytes, 0, pending, pendingLength, bytes.length);
    pendingLength += bytes.length;
    StringBuilder out = new StringBuilder();
    int consumed = Utf8.decode(pending, pendingLength, false, out);
    System.arraycopy(pending, consumed, pending, 0, pendingLength - consumed);
    pendingLength -= consumed;
    return out.toString();
  }

  /** Ends the stream: returns what is still held back, an incomplete character as U+FFFD. */
  public String finish() {
    String rest = Utf8.decode(pending, pendingLength);
    pendingLength = 0;
    return rest;
  }
}
