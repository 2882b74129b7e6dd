package dev.inference.nemotron.pod.decode;

import dev.inference.nemotron.pod.engine.Chunk;
import dev.inference.nemotron.pod.engine.ForwardPass;
import dev.inference.nemotron.pod.engine.KvCache;
import dev.inference.nemotron.pod.engine.Logits;
import java.util.List;

/**
 * One request in flight, shared by the decoders: the model and cache it runs on, its token picker,
 * what it emitted, and the count of every forward pass it made (the single place forwards are
 * counted, so no mode can forget one).
 */
final class Generation {
  final ForwardPass model;
  final KvCache cache;
  final TokenPicker picker;
  final Emission emission;
  final int[] prompt;
  final int mask;
  private int forwards;

  Generation(Decoder decoder, ForwardPass model, KvCache cache, DecodeRequest request) {
    this.model = model;
    this.cache = cache;
    this.prompt = request.prompt();
    this.mask = model.maskTokenId();
    this.picker = new TokenPicker(request.sampling(), mask);
    this.emission = new Emission(request);
    for (int i = 0; i < prompt.length; i++) {
      if (prompt[i] < 0 || prompt[i] >= model.vocabularySize()) {
        throw new IllegalArgumentException(
            "prompt token "
                + i
                + " is "
                + prompt[i]
                + ", outside the vocabulary [0, "
                + model.vocabularySize()
                + ")");
      }
    }
    int needed = decoder.cacheCapacity(prompt.length, request.sampling().maxTokens());
    if (cache.capacity() - cache.length() < needed) {
      throw new IllegalArgumentException(
          decoder.mode().cliName()
              + " decoding of "
              + prompt.length
              + " prompt tokens and up to "
              + request.sampling().maxTokens()
              + " new tokens needs "
              + needed
              + " free cache positions; the cache has "
              + (cache.capacity() - cache.length()));
    }
  }

  /** Runs one forward pass and counts it. */
  Logits forward(Chunk chunk) {
    forwards++;
    return model.forward(cache, chunk);
  }

  /**
   * The prefill (CAUSAL + WRITE over the prompt, 1 forward): returns the pick of its last row, the
   * token for the position after the prompt.
   */
  int prefill() {
    int p = prompt.length;
    int position = cache.length() + p;
    return pick(
        forward(Chunk.causalWrite(prompt, cache.length(), Chunk.lastRow(p))).row(p - 1), position);
  }

  /** The token for absolute position {@code position}. */
  int pick(float[] logits, int position) {
    return picker.pick(logits, position);
  }

  /** Consecutive absolute positions {@code start .. start + n - 1}. */
  static int[] positions(int start, int n) {
    int[] positions = new int[n];
    for (int i = 0; i < n; i++) {
      positions[i] = start + i;
    }
    return positions;
  }

  int forwards() {
    return forwards;
  }

  /** The result of a mode without rounds or diffusion blocks. */
  DecodeResult result(DecodingMode mode, int cachedTokens) {
    return new DecodeResult(
        mode, emission.ids(), forwards, emission.stopReason(), cachedTokens, 0, 0, 0, List.of());
  }
}
