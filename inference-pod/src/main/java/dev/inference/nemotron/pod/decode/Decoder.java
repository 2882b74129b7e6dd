package dev.inference.nemotron.pod.decode;

import dev.inference.nemotron.pod.engine.ForwardPass;
import dev.inference.nemotron.pod.engine.KvCache;

/**
 * One decoding mode of MODEL.md §6: turns a prompt into emitted tokens on a {@link ForwardPass}.
 */
public interface Decoder {

  DecodingMode mode();

  /**
   * Starts a request whose prompt is appended after what {@code cache} already holds; the task then
   * says which chunks to run. Afterwards the cache holds the prompt and the first {@link
   * DecodeResult#cachedTokens()} emitted tokens, as causal K/V.
   *
   * @param model the network, for its vocabulary and mask id (the task never runs it)
   * @throws IllegalArgumentException when the cache is too small ({@link #cacheCapacity}) or a
   *     prompt id lies outside the vocabulary
   */
  DecodingTask start(ForwardPass model, KvCache cache, DecodeRequest request);

  /** Runs a request alone to the end: {@link #start}, then one forward per chunk. */
  default DecodeResult decode(ForwardPass model, KvCache cache, DecodeRequest request) {
    DecodingTask task = start(model, cache, request);
    while (!task.done()) {
      task.accept(model.forward(cache, task.nextChunk()));
    }
    return task.result();
  }

  /**
   * Cache positions a request needs: the prompt, the budget and the block a last verify or commit
   * writes before cropping.
   */
  int cacheCapacity(int promptTokens, int maxTokens);
}
