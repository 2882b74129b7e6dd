package dev.inference.nemotron.pod.serve.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * {@code modes.mix} in runtime.yaml: the percentage of requests without a {@code mode} that each
 * mode gets. The choice is a pure function of the request id, so that a retried or replayed request
 * (same id) decodes the same way and tests can predict it.
 *
 * @param autoregressive percent decoded one token per forward
 * @param diffusion percent decoded by block diffusion
 * @param selfSpeculation percent decoded by self-speculation
 */
public record ModeMix(int autoregressive, int diffusion, int selfSpeculation) {

  /** The operator's default when the resource names no mix: all self-speculation. */
  public static final ModeMix DEFAULT = new ModeMix(0, 0, 100);

  /** Checks that each share is a percentage and that they sum to 100. */
  public ModeMix {
    requirePercent("autoregressive", autoregressive);
    requirePercent("diffusion", diffusion);
    requirePercent("selfSpeculation", selfSpeculation);
    int sum = autoregressive + diffusion + selfSpeculation;
    if (sum != 100) {
      throw new IllegalArgumentException(
          "shares must sum to 100, got %d (autoregressive %d + diffusion %d + selfSpeculation %d)"
              .formatted(sum, autoregressive, diffusion, selfSpeculation));
    }
  }

  /** Every request in one mode. */
  public static ModeMix only(RequestMode mode) {
    return switch (mode) {
      case AUTOREGRESSIVE -> new ModeMix(100, 0, 0);
      case DIFFUSION -> new ModeMix(0, 100, 0);
      case SELF_SPECULATION -> new ModeMix(0, 0, 100);
    };
  }

  /** The share of {@code mode}, in percent. */
  public int share(RequestMode mode) {
    return switch (mode) {
      case AUTOREGRESSIVE -> autoregressive;
      case DIFFUSION -> diffusion;
      case SELF_SPECULATION -> selfSpeculation;
    };
  }

  /**
   * The mode of a request that names none: the first 8 bytes of SHA-256 of the id, modulo 100,
   * against the cumulative shares (autoregressive, then diffusion, then self-speculation). The same
   * id always gets the same mode; over many ids each mode gets its share.
   */
  public RequestMode choose(String requestId) {
    int bucket = (int) Long.remainderUnsigned(hash(requestId), 100);
    if (bucket < autoregressive) {
      return RequestMode.AUTOREGRESSIVE;
    }
    if (bucket < autoregressive + diffusion) {
      return RequestMode.DIFFUSION;
    }
    return RequestMode.SELF_SPECULATION;
  }

  private static long hash(String requestId) {
    byte[] digest;
    try {
      digest =
          MessageDigest.getInstance("SHA-256").digest(requestId.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK provides SHA-256", e);
    }
    long h = 0;
    for (int i = 0; i < Long.BYTES; i++) {
      h = (h << 8) | (digest[i] & 0xff);
    }
    return h;
  }

  private static void requirePercent(String key, int share) {
    if (share < 0 || share > 100) {
      throw new IllegalArgumentException(key + " must be between 0 and 100, got " + share);
    }
  }
}
