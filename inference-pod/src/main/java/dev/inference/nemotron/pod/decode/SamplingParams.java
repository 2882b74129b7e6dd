package dev.inference.nemotron.pod.decode;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * How one request picks its tokens and when it stops.
 *
 * @param temperature 0 for greedy (argmax, ties to the lowest id); otherwise tokens are sampled
 *     from {@code softmax(logits / temperature)}
 * @param topK keep only the k most likely tokens before sampling; 0 keeps all
 * @param topP keep the smallest set of most likely tokens whose probability reaches p (after
 *     top-k); 1 keeps all
 * @param seed the request's random seed: the draw for the token at absolute position p depends only
 *     on (seed, p), see {@link TokenPicker}
 * @param maxTokens most tokens to emit
 * @param stopTokenIds ids that end generation when emitted (the model's EOS ids belong here; the
 *     stop token itself is emitted)
 * @param stopStrings texts that end generation once the emitted text contains one of them
 */
public record SamplingParams(
    double temperature,
    int topK,
    double topP,
    long seed,
    int maxTokens,
    List<Integer> stopTokenIds,
    List<String> stopStrings) {

  public SamplingParams {
    if (!Double.isFinite(temperature) || temperature < 0) {
      throw new IllegalArgumentException(
          "temperature must be a finite number >= 0, got " + temperature);
    }
    if (topK < 0) {
      throw new IllegalArgumentException("top_k must be >= 0 (0 = off), got " + topK);
    }
    if (!(topP > 0 && topP <= 1)) {
      throw new IllegalArgumentException("top_p must be in (0, 1], got " + topP);
    }
    if (maxTokens < 1) {
      throw new IllegalArgumentException("max_tokens must be >= 1, got " + maxTokens);
    }
    stopTokenIds = List.copyOf(new LinkedHashSet<>(stopTokenIds));
    for (int id : stopTokenIds) {
      if (id < 0) {
        throw new IllegalArgumentException("stop token ids must be >= 0, got " + id);
      }
    }
    stopStrings = List.copyOf(stopStrings);
    for (String s : stopStrings) {
      if (s.isEmpty()) {
        throw new IllegalArgumentException("stop strings must not be empty");
      }
    }
  }

  /** Greedy decoding of up to {@code maxTokens} tokens, no stop condition. */
  public static SamplingParams greedy(int maxTokens) {
    return new SamplingParams(0, 0, 1, 0, maxTokens, List.of(), List.of());
  }

  /** Sampling at {@code temperature} with the given seed, no top-k/top-p, no stop condition. */
  public static SamplingParams sampled(double temperature, long seed, int maxTokens) {
    return new SamplingParams(temperature, 0, 1, seed, maxTokens, List.of(), List.of());
  }

  /** Whether tokens are chosen by argmax. */
  public boolean greedy() {
    return temperature == 0;
  }

  /** Whether emitting {@code tokenId} ends generation. */
  public boolean isStopToken(int tokenId) {
    return stopTokenIds.contains(tokenId);
  }

  /** A copy that also stops at {@code ids} (e.g. the checkpoint's EOS ids). */
  public SamplingParams withStopTokenIds(Collection<Integer> ids) {
    List<Integer> all = new ArrayList<>(stopTokenIds);
    all.addAll(ids);
    return new SamplingParams(temperature, topK, topP, seed, maxTokens, all, stopStrings);
  }

  /** A copy with another token budget. */
  public SamplingParams withMaxTokens(int tokens) {
    return new SamplingParams(temperature, topK, topP, seed, tokens, stopTokenIds, stopStrings);
  }
}
