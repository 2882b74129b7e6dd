package dev.inference.nemotron.pod.engine;

import java.util.Locale;

/**
 * How a KV cache stores keys and values: F32 (exact) or BF16 (half the memory, so twice the
 * sequences or context in the same pool; attention still computes in fp32). Chosen with {@code
 * ndd.kv.dtype} ({@code f32}, the default, or {@code bf16}).
 */
public enum KvDtype {
  F32(4),
  BF16(2);

  private final int bytes;

  KvDtype(int bytes) {
    this.bytes = bytes;
  }

  /** Bytes per stored element. */
  public int bytes() {
    return bytes;
  }

  /** The dtype named by {@code ndd.kv.dtype} (default f32); a clear error for anything else. */
  public static KvDtype fromSystemProperties() {
    String value = System.getProperty("ndd.kv.dtype", "f32").trim().toLowerCase(Locale.ROOT);
    return switch (value) {
      case "f32" -> F32;
      case "bf16" -> BF16;
      default ->
          throw new IllegalArgumentException(
              "ndd.kv.dtype must be 'f32' or 'bf16', got '" + value + "'");
    };
  }
}
