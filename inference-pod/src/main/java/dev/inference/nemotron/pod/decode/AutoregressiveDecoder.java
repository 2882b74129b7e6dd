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
    int[] chunk = g.prompt;
    while (true) {
      int position = cache.length() + chunk.length; // of the token the last row predicts
      float[] logits =
          g.forward(Chunk.causalWrite(chunk, cache.length(), Chunk.lastRow(chunk.length)))
              .row(chunk.length - 1);
      int next = g.pick(logits, position);
      if (g.emission.emit(next)) {
        return g.result(mode(), g.emission.count() - 1);
      }
      chunk = new int[] {next};
    }
  }
}
