package dev.inference.nemotron.pod.decode;

import java.util.Arrays;

/**
 * The tokens a request has emitted so far and whether it must stop: every decoder emits through one
 * of these, token by token, so that stop tokens, stop strings and the token budget cut every mode
 * at exactly the same token.
 */
final class Emission {
  private final SamplingParams params;
  private final Detokenizer detokenizer;
  private final TokenListener listener;
  private final int stopWindow;
  private int[] ids = new int[16];
  private int count;
  private StopReason stopReason;

  Emission(DecodeRequest request) {
    this.params = request.sampling();
    this.detokenizer = request.detokenizer();
    this.listener = request.listener();
    int longest = params.stopStrings().stream().mapToInt(String::length).max().orElse(0);
    // A stop string of n chars spans at most ~4n byte-level tokens; the rest is slack for tokens
    // that decode to nothing. Only a window is decoded so that each check costs O(window).
    this.stopWindow = 4 * longest + 16;
  }

  /**
   * Emits {@code token}; returns true when generation ends with it (stop token, stop string or
   * budget). Must not be called after it returned true.
   */
  boolean emit(int token) {
    if (stopReason != null) {
      throw new IllegalStateException("emitted after the request stopped (" + stopReason + ")");
    }
    if (count == ids.length) {
      ids = Arrays.copyOf(ids, 2 * count);
    }
    ids[count++] = token;
    listener.onToken(token);
    if (params.isStopToken(token)) {
      stopReason = StopReason.EOS;
    } else if (completesStopString()) {
      stopReason = StopReason.STOP_STRING;
    } else if (count >= params.maxTokens()) {
      stopReason = StopReason.MAX_TOKENS;
    }
    return stopReason != null;
  }

  boolean isStopToken(int token) {
    return params.isStopToken(token);
  }

  boolean done() {
    return stopReason != null;
  }

  int count() {
    return count;
  }

  /** Tokens the budget still allows. */
  int remaining() {
    return Math.max(0, params.maxTokens() - count);
  }

  int[] ids() {
    return Arrays.copyOf(ids, count);
  }

  StopReason stopReason() {
    return stopReason;
  }

  private boolean completesStopString() {
    if (params.stopStrings().isEmpty()) {
      return false;
    }
    // Checked after every token, so a stop string seen in the window was completed just now.
    String tail =
        detokenizer.decode(Arrays.copyOfRange(ids, Math.max(0, count - stopWindow), count));
    for (String stop : params.stopStrings()) {
      if (tail.contains(stop)) {
        return true;
      }
    }
    return false;
  }
}
