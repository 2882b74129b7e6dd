package dev.inference.nemotron.pod.decode;

import dev.inference.nemotron.pod.engine.Chunk;
import dev.inference.nemotron.pod.engine.ForwardPass;
import dev.inference.nemotron.pod.engine.KvCache;

/**
 * Autoregressive decoding (MODEL.md §6.1): the prefill's last row gives the first token, then one
 * CAUSAL + WRITE forward per further token. TPF is exactly 1; the baseline every other mode must
 * match at temperature 0.
 */
public final class AutoregressiveDecoder implements Decoder {

  @Override
  public DecodingMode mode() {
    return DecodingMode.AUTOREGRESSIVE;
  }

  @Override
  public int cacheCapacity(int promptTokens, int maxTokens) {
    return promptTokens + maxTokens;
  }

  @Override
  public DecodeResult decode(ForwardPass model, KvCache cache, DecodeRequest request) {
    Generation g = new Generation(this, model, cache, request);
    int next = g.prefill();
    while (!g.emission.emit(next)) {
      int position = cache.length() + 1; // of the token after the one written now
      float[] logits =
          g.forward(Chunk.causalWrite(new int[] {next}, cache.length(), new int[] {0})).row(0);
      next = g.pick(logits, position);
    }
    return g.result(mode(), g.emission.count() - 1);
  }
}
