package dev.inference.nemotron.pod.decode;

import dev.inference.nemotron.pod.engine.AttentionMask;
import dev.inference.nemotron.pod.engine.Chunk;
import dev.inference.nemotron.pod.engine.ForwardPass;
import dev.inference.nemotron.pod.engine.KvCache;
import dev.inference.nemotron.pod.engine.Logits;
import java.util.Arrays;

/**
 * Linear self-speculation (MODEL.md §6.3): diffusion drafts, AR verifies. After the prefill (1
 * forward, its last row gives the first token), each round costs 2 forwards: a BIDIRECTIONAL +
 * READ_ONLY draft of {@code [next, M x (B-1)]} with the draft adapter on, then a CAUSAL + WRITE
 * verify of {@code [next, drafts]}; it emits the matching drafts plus the verifier's bonus token (1
 * to B tokens) and crops the rejected positions from the cache.
 *
 * <p>Lossless: every emitted token is the verifier's pick given exactly the emitted prefix, at the
 * same absolute position as in AR decoding, so with {@link TokenPicker}'s position-keyed draws the
 * output equals AR decoding at any temperature (up to floating-point differences between a B-row
 * and a 1-row forward).
 */
public final class LinearSpecDecoder implements Decoder {
  private final int blockSize;

  /**
   * @param blockSize B, at least 2: one round drafts B - 1 tokens
   */
  public LinearSpecDecoder(int blockSize) {
    this.blockSize = Speculation.checkedBlockSize(blockSize);
  }

  @Override
  public DecodingMode mode() {
    return DecodingMode.LINEAR_SPEC;
  }

  @Override
  public int cacheCapacity(int promptTokens, int maxTokens) {
    return promptTokens + maxTokens + blockSize;
  }

  @Override
  public DecodeResult decode(ForwardPass model, KvCache cache, DecodeRequest request) {
    Generation g = new Generation(this, model, cache, request);
    Speculation speculation = new Speculation();
    int next = g.prefill();
    if (g.emission.emit(next)) {
      return speculation.result(mode(), g);
    }
    int[] rest = Arrays.copyOfRange(Chunk.allRows(blockSize), 1, blockSize);
    while (true) {
      int start = cache.length();
      int[] block = new int[blockSize];
      Arrays.fill(block, g.mask);
      block[0] = next;
      Logits drafts =
          g.forward(
              new Chunk(
                  block,
                  Generation.positions(start, blockSize),
                  AttentionMask.BIDIRECTIONAL,
                  new int[0],
                  rest,
                  Chunk.allRows(blockSize)));
      for (int i = 1; i < blockSize; i++) {
        block[i] = g.pick(drafts.row(i), start + i);
      }
      Logits verify = g.forward(Chunk.causalWrite(block, start, Chunk.allRows(blockSize)));
      int[] verified = new int[blockSize];
      for (int i = 0; i < blockSize; i++) {
        verified[i] = g.pick(verify.row(i), start + i + 1);
      }
      int acc = speculation.settle(g, start, block, verified);
      if (g.emission.done()) {
        return speculation.result(mode(), g);
      }
      next = verified[acc - 1];
    }
  }
}
