package dev.inference.nemotron.pod.serve.config;

import java.util.Objects;

/**
 * {@code server} in runtime.yaml. The operator writes only {@code port}; the other keys are the
 * runtime's own tunables, with defaults, for local runs and tests.
 *
 * @param port the HTTP port ({@code /v1/*}, {@code /metrics}, {@code /health/*})
 * @param host the address to bind
 * @param maxQueuedRequests admitted requests waiting for a sequence slot; beyond it: 429
 * @param maxBodyBytes largest request body; beyond it: 413
 * @param requestTimeoutSeconds a request's deadline from arrival to its last token
 * @param drainSeconds on SIGTERM, how long in-flight requests may finish (keep it below the pod's
 *     termination grace period)
 * @param maxBatchRows most rows (tokens) in one batched forward
 * @param prefillChunk most prompt tokens of one sequence in one forward
 */
public record ServerSettings(
    int port,
    String host,
    int maxQueuedRequests,
    int maxBodyBytes,
    int requestTimeoutSeconds,
    int drainSeconds,
    int maxBatchRows,
    int prefillChunk) {

  /** Port 8080 on every address, 64 queued requests, 1 MiB bodies, 600 s, 50 s, 64 rows, 256. */
  public static final ServerSettings DEFAULTS =
      new ServerSettings(8080, "0.0.0.0", 64, 1 << 20, 600, 50, 64, 256);

  /** Checks the ranges. */
  public ServerSettings {
    Objects.requireNonNull(host, "host");
    requireRange("port", port, 1, 65_535);
    if (host.isBlank()) {
      throw new IllegalArgumentException("host must not be empty (e.g. 0.0.0.0 or 127.0.0.1)");
    }
    requireRange("maxQueuedRequests", maxQueuedRequests, 0, 1_000_000);
    requireRange("maxBodyBytes", maxBodyBytes, 1024, 256 << 20);
    requireRange("requestTimeoutSeconds", requestTimeoutSeconds, 1, 86_400);
    requireRange("drainSeconds", drainSeconds, 0, 3600);
    requireRange("maxBatchRows", maxBatchRows, 1, 65_536);
    requireRange("prefillChunk", prefillChunk, 1, 65_536);
  }

  /** These settings with another port. */
  public ServerSettings withPort(int newPort) {
    return new ServerSettings(
        newPort,
        host,
        maxQueuedRequests,
        maxBodyBytes,
        requestTimeoutSeconds,
        drainSeconds,
        maxBatchRows,
        prefillChunk);
  }

  private static void requireRange(String key, int value, int min, int max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          "%s must be between %d and %d, got %d".formatted(key, min, max, value));
    }
  }
}
