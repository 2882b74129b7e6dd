package dev.inference.nemotron.pod.decode;

import dev.inference.nemotron.pod.engine.ForwardPass;
import dev.inference.nemotron.pod.engine.KvCache;

/**
 * One decoding mode of MODEL.md §6: turns a prompt into emitted tokens on a {@link ForwardPass}.
 */
public interface Decoder {

  DecodingMode mode();

  /**
   * Generates for {@code request}, appending the prompt after what {@code cache} already holds.
   * Afterwards the cache holds the prompt and the first {@link DecodeResult#cachedTokens()} emitted
   * tokens, as causal K/V.
   *
   * @throws IllegalArgumentException when the cache is too small ({@link #cacheCapacity}) or a
   *     prompt id lies outside the vocabulary
   */
  DecodeResult decode(ForwardPass model, KvCache cache, DecodeRequest request);

  /**
   * Cache positions a request needs: the prompt, the budget and the block a last verify or commit
   * writes before cropping.
   */
  int cacheCapacity(int promptTokens, int maxTokens);
}
