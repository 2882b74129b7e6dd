package dev.inference.nemotron.pod.decode;

/** Why a request stopped emitting tokens. */
public enum StopReason {
  /** A stop token (EOS or a requested stop id) was emitted; it is the last emitted token. */
  EOS,
  /** The emitted text came to contain a stop string. */
  STOP_STRING,
  /** The token budget was used up. */
  MAX_TOKENS
}
