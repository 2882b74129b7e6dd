package dev.inference.nemotron.pod.decode;

import dev.inference.nemotron.pod.engine.AttentionMask;
import dev.inference.nemotron.pod.engine.Chunk;
import dev.inference.nemotron.pod.engine.ForwardPass;
import dev.inference.nemotron.pod.engine.KvCache;
import dev.inference.nemotron.pod.engine.Logits;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Seeded block diffusion with a confidence threshold ("FastDiffuser", MODEL.md §6.2).
 *
 * <p>The prefill's last row gives the seed, the first token of the first block {@code [seed, M,
 * ..., M]}. Each denoising step is one BIDIRECTIONAL + READ_ONLY forward over the block: every
 * masked slot gets a candidate ({@code pick}) and a confidence (softmax of the raw logits at the
 * candidate); the most confident masked slot (ties to the lowest slot) is revealed, plus every
 * masked slot whose confidence reaches the threshold. Denoising ends when no mask is left, or right
 * after a step that leaves a stop token in the block with no mask before it. As in the §6.2 loop,
 * that check follows a step: a block whose seed is already a stop token still costs one step (its
 * output, the stop token alone, is unaffected). The block is emitted up to the first stop token or
 * the budget; if generation goes on, one CAUSAL + WRITE forward commits the whole block and its
 * last row seeds the next block. The last block is never committed, so it is not in the cache
 * afterwards.
 */
public final class DiffusionDecoder implements Decoder {
  private final int blockSize;
  private final double threshold;

  /**
   * @param blockSize B, at least 1 (MODEL.md default 32)
   * @param threshold confidence in [0, 1] at which a masked slot is revealed (default 0.9)
   */
  public DiffusionDecoder(int blockSize, double threshold) {
    if (blockSize < 1) {
      throw new IllegalArgumentException("diffusion block size must be >= 1, got " + blockSize);
    }
    if (!(threshold >= 0 && threshold <= 1)) {
      throw new IllegalArgumentException("diffusion threshold must be in [0, 1], got " + threshold);
    }
    this.blockSize = blockSize;
    this.threshold = threshold;
  }

  @Override
  public DecodingMode mode() {
    return DecodingMode.DIFFUSION;
  }

  @Override
  public int cacheCapacity(int promptTokens, int maxTokens) {
    return promptTokens + maxTokens + blockSize;
  }

  @Override
  public DecodeResult decode(ForwardPass model, KvCache cache, DecodeRequest request) {
    Generation g = new Generation(this, model, cache, request);
    int seed = g.prefill();
    List<Integer> steps = new ArrayList<>();
    int cached = 0;
    while (true) {
      int start = cache.length();
      int[] block = new int[blockSize];
      Arrays.fill(block, g.mask);
      block[0] = seed;
      steps.add(denoise(g, block, start));
      for (int token : block) {
        if (g.emission.emit(token)) {
          return new DecodeResult(
              mode(),
              g.emission.ids(),
              g.forwards(),
              g.emission.stopReason(),
              cached,
              0,
              0,
              0,
              steps);
        }
      }
      Logits committed = g.forward(Chunk.causalWrite(block, start, Chunk.lastRow(blockSize)));
      cached += blockSize;
      seed = g.pick(committed.row(blockSize - 1), start + blockSize);
    }
  }

  /** Reveals the block's masked slots in place; returns the number of denoising forwards. */
  private int denoise(Generation g, int[] block, int start) {
    int steps = 0;
    int[] masked = maskedSlots(g, block);
    while (masked.length > 0) {
      // Logits only for the masked slots: a row's logits depend on nothing but its own hidden
      // state.
      Logits logits =
          g.forward(
              new Chunk(
                  block,
                  Generation.positions(start, block.length),
                  AttentionMask.BIDIRECTIONAL,
                  new int[0],
                  masked,
                  new int[0]));
      steps++;
      int[] candidate = new int[masked.length];
      double[] confidence = new double[masked.length];
      int best = 0;
      for (int k = 0; k < masked.length; k++) {
        float[] row = logits.row(masked[k]);
        candidate[k] = g.pick(row, start + masked[k]);
        confidence[k] = TokenPicker.confidence(row, candidate[k]);
        if (confidence[k] > confidence[best]) {
          best = k;
        }
      }
      for (int k = 0; k < masked.length; k++) {
        if (k == best || confidence[k] >= threshold) {
          block[masked[k]] = candidate[k];
        }
      }
      if (stopTokenWithoutMaskBefore(g, block)) {
        break;
      }
      masked = maskedSlots(g, block);
    }
    return steps;
  }

  /** Whether the block holds a stop token with no mask before it: the rest is never emitted. */
  private static boolean stopTokenWithoutMaskBefore(Generation g, int[] block) {
    for (int token : block) {
      if (token == g.mask) {
        return false;
      }
      if (g.emission.isStopToken(token)) {
        return true;
      }
    }
    return false;
  }

  private static int[] maskedSlots(Generation g, int[] block) {
    return IntStream.range(0, block.length).filter(i -> block[i] == g.mask).toArray();
  }
}
