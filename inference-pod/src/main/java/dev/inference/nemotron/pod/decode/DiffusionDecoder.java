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
 * masked slot that can still be emitted gets a candidate ({@code pick}) and a confidence (softmax
 * of the raw logits at the candidate); the most confident of them (ties to the lowest slot) is
 * revealed, plus every one whose confidence reaches the threshold. Denoising ends when no such slot
 * is masked, or once a stop token sits in the block with no mask before it (checked before every
 * step, so a block whose seed is a stop token costs no step). The block is emitted up to the first
 * stop token or the budget; if generation goes on, one CAUSAL + WRITE forward commits the whole
 * block and its last row seeds the next block. The last block is never committed, so it is not in
 * the cache afterwards.
 *
 * <p>The token budget bounds the work, not only the output: slots at or past the budget are never
 * emitted, so they are neither candidates nor asked for logits, and they stay masked. Two tokens
 * thus cost the prefill and at most one step (TPF, the autoscaling signal, stays honest); a block
 * wholly inside the budget decodes exactly as MODEL.md §6.2 describes.
 *
 * <p>At temperature T &gt; 0 a slot's candidate at denoising step s (1, 2, ... within its block) is
 * drawn with {@link TokenPicker#draw(int, int)}: fresh noise per step, so a slot left masked is not
 * redrawn with the noise that lost before. The seed (prefill and commit rows) uses the position's
 * ordinary draw, as AR decoding would.
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
  public DecodingTask start(ForwardPass model, KvCache cache, DecodeRequest request) {
    return new Task(model, cache, request);
  }

  private final class Task extends Generation {
    private final List<Integer> steps = new ArrayList<>();
    private int[] block;
    private int blockStart;
    private int blockSteps;
    private boolean committing;
    private int cached;

    Task(ForwardPass model, KvCache cache, DecodeRequest request) {
      super(DiffusionDecoder.this, model, cache, request);
    }

    @Override
    public DecodingMode mode() {
      return DecodingMode.DIFFUSION;
    }

    @Override
    Chunk plan() {
      if (inPrefill()) {
        return prefillChunk();
      }
      if (committing) {
        return Chunk.causalWrite(block, blockStart, Chunk.lastRow(blockSize));
      }
      // Logits only for the candidate slots: a row's logits depend on nothing but its own state.
      return new Chunk(
          block,
          positions(blockStart, blockSize),
          AttentionMask.BIDIRECTIONAL,
          new int[0],
          candidates(),
          new int[0]);
    }

    @Override
    void absorb(Chunk chunk, Logits logits) {
      if (inPrefill() || committing) {
        if (committing) {
          cached += blockSize;
        }
        // After the write the cache's length is the seed's position.
        startBlock(pick(logits, chunk.length() - 1, cache.length()));
        return;
      }
      blockSteps++;
      int[] masked = chunk.logitRows();
      int[] positions = new int[masked.length];
      for (int k = 0; k < masked.length; k++) {
        positions[k] = blockStart + masked[k];
      }
      // Every masked slot of the step in one call: on a device, one launch and ids + confidences.
      Logits.Picks picks =
          logits.pickWithConfidence(masked, picker, picker.draws(positions, blockSteps));
      int[] candidate = picks.ids();
      double[] confidence = picks.confidences();
      int best = 0;
      for (int k = 0; k < masked.length; k++) {
        if (confidence[k] > confidence[best]) {
          best = k;
        }
      }
      for (int k = 0; k < masked.length; k++) {
        if (k == best || confidence[k] >= threshold) {
          block[masked[k]] = candidate[k];
        }
      }
      if (denoised()) {
        finishBlock();
      }
    }

    private void startBlock(int seed) {
      block = new int[blockSize];
      Arrays.fill(block, mask);
      block[0] = seed;
      blockStart = cache.length();
      blockSteps = 0;
      committing = false;
      if (denoised()) {
        finishBlock();
      }
    }

    /** Emits the block; either generation ends or the block is committed next. */
    private void finishBlock() {
      steps.add(blockSteps);
      for (int token : block) {
        if (emission.emit(token)) {
          return;
        }
      }
      committing = true;
    }

    /** Masked slots that can still be emitted: inside the block and inside the token budget. */
    private int[] candidates() {
      int budget = Math.min(blockSize, emission.remaining());
      return IntStream.range(0, budget).filter(i -> block[i] == mask).toArray();
    }

    private boolean denoised() {
      return candidates().length == 0 || stopTokenWithoutMaskBefore();
    }

    /** Whether the block holds a stop token with no mask before it: the rest is never emitted. */
    private boolean stopTokenWithoutMaskBefore() {
      for (int token : block) {
        if (token == mask) {
          return false;
        }
        if (emission.isStopToken(token)) {
          return true;
        }
      }
      return false;
    }

    @Override
    public DecodeResult result() {
      return new DecodeResult(
          mode(), emission.ids(), forwards(), emission.stopReason(), cached, 0, 0, 0, steps);
    }
  }
}
