package dev.inference.nemotron.pod.serve;

import java.util.HashMap;
import java.util.Map;

/**
 * Per-tenant admission limits enforced in the server: concurrent requests, and tokens per minute as
 * a token bucket (capacity one minute's worth, refilled continuously). A request is admitted while
 * the bucket is not empty and is charged its prompt and completion tokens when it ends, so a tenant
 * may overdraw by one request and then waits the deficit out ({@code Retry-After}). The limit is
 * this server's share of the tenant's fleet-wide limit ({@link
 * dev.inference.nemotron.pod.serve.config.TenantConfig#tokensPerMinute()}); when a reload changes
 * it, the bucket keeps its tokens up to the new capacity and refills at the new rate.
 */
public final class TenantLimiter {
  private final Map<String, State> states = new HashMap<>();

  /** Why a request was refused, and when to retry. */
  public record Refusal(String message, int retryAfterSeconds) {}

  private static final class State {
    int running;
    double tokens = Double.NaN; // NaN until the first use (then full)
    long refilledAt = System.nanoTime();
  }

  /**
   * Admits one request of {@code tenant} or says why not.
   *
   * @param maxConcurrent null for no limit
   * @param tokensPerMinute null for no limit
   * @return null when admitted (then {@link #release} must follow), else the refusal
   */
  public synchronized Refusal tryAcquire(
      String tenant, Integer maxConcurrent, Integer tokensPerMinute) {
    State s = states.computeIfAbsent(tenant, t -> new State());
    if (maxConcurrent != null && s.running >= maxConcurrent) {
      return new Refusal(
          "tenant '"
              + tenant
              + "' already has "
              + s.running
              + " requests in flight, its limit (maxConcurrentRequests "
              + maxConcurrent
              + "); retry when one finishes",
          1);
    }
    if (tokensPerMinute != null) {
      refill(s, tokensPerMinute);
      if (s.tokens <= 0) {
        int wait = (int) Math.ceil((1 - s.tokens) * 60.0 / tokensPerMinute);
        return new Refusal(
            "tenant '"
                + tenant
                + "' used its "
                + tokensPerMinute
                + " tokens per minute on this replica (its share of the fleet's limit); retry in "
                + wait
                + " s",
            Math.max(1, wait));
      }
    }
    s.running++;
    return null;
  }

  /** Ends a request admitted by {@link #tryAcquire}, charging the tokens it used. */
  public synchronized void release(String tenant, Integer tokensPerMinute, long tokensUsed) {
    State s = states.get(tenant);
    if (s == null) {
      return;
    }
    s.running = Math.max(0, s.running - 1);
    if (tokensPerMinute != null) {
      refill(s, tokensPerMinute);
      s.tokens -= tokensUsed;
    }
  }

  private static void refill(State s, int tokensPerMinute) {
    long now = System.nanoTime();
    if (Double.isNaN(s.tokens)) {
      s.tokens = tokensPerMinute;
    } else {
      s.tokens =
          Math.min(tokensPerMinute, s.tokens + (now - s.refilledAt) / 60e9 * tokensPerMinute);
    }
    s.refilledAt = now;
  }
}
