package dev.inference.nemotron.pod.decode;

import dev.inference.nemotron.pod.engine.Chunk;
import dev.inference.nemotron.pod.engine.ForwardPass;
import dev.inference.nemotron.pod.engine.KvCache;
import dev.inference.nemotron.pod.engine.Logits;

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
  public DecodingTask start(ForwardPass model, KvCache cache, DecodeRequest request) {
    return new Task(model, cache, request);
  }

  private final class Task extends Generation {
    private int next;

    Task(ForwardPass model, KvCache cache, DecodeRequest request) {
      super(AutoregressiveDecoder.this, model, cache, request);
    }

    @Override
    public DecodingMode mode() {
      return DecodingMode.AUTOREGRESSIVE;
    }

    @Override
    Chunk plan() {
      return inPrefill()
          ? prefillChunk()
          : Chunk.causalWrite(new int[] {next}, cache.length(), new int[] {0});
    }

    @Override
    void absorb(Chunk chunk, Logits logits) {
      // After the write, the cache's length is the position the last row predicts.
      next = pick(logits, chunk.length() - 1, cache.length());
      emission.emit(next);
    }

    @Override
    public DecodeResult result() {
      return plainResult(Math.max(0, emission.count() - 1));
    }
  }
}
