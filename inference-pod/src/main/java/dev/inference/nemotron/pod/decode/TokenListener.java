package dev.inference.nemotron.pod.decode;

/**
 * Receives each token the moment a decoder emits it (for streaming). Tokens arrive in order and are
 * final: decoders call it only for verified tokens, never for drafts.
 */
@FunctionalInterface
public interface TokenListener {

  /** Ignores every token. */
  TokenListener NONE = token -> {};

  void onToken(int tokenId);
}
