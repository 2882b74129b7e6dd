package dev.inference.nemotron.pod.serve.api;

import java.security.SecureRandom;
import java.util.HexFormat;

/** The two generating endpoints, with what differs in their responses: ids and object names. */
public enum ResponseKind {
  /** {@code POST /v1/completions}. */
  COMPLETION("cmpl-", "text_completion", "text_completion"),
  /** {@code POST /v1/chat/completions}. */
  CHAT("chatcmpl-", "chat.completion", "chat.completion.chunk");

  private static final SecureRandom RANDOM = new SecureRandom();

  private final String idPrefix;
  private final String object;
  private final String chunkObject;

  ResponseKind(String idPrefix, String object, String chunkObject) {
    this.idPrefix = idPrefix;
    this.object = object;
    this.chunkObject = chunkObject;
  }

  /** A fresh response id: the kind's prefix and 24 random hex digits, e.g. {@code cmpl-3f9a...}. */
  public String newId() {
    byte[] bytes = new byte[12];
    RANDOM.nextBytes(bytes);
    return idPrefix + HexFormat.of().formatHex(bytes);
  }

  /** The {@code object} of a whole (non-streamed) response. */
  public String object() {
    return object;
  }

  /** The {@code object} of a streamed chunk. */
  public String chunkObject() {
    return chunkObject;
  }
}
