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
  public DecodingTask start(ForwardPass model, KvCache cache, DecodeRequest request) {
    return new Task(model, cache, request);
  }

  private final class Task extends Generation {
    private final Speculation speculation = new Speculation();
    private final int[] draftRows = Arrays.copyOfRange(Chunk.allRows(blockSize), 1, blockSize);
    private int next;
    private int[] block;
    private int start;
    private boolean verifying;

    Task(ForwardPass model, KvCache cache, DecodeRequest request) {
      super(LinearSpecDecoder.this, model, cache, request);
    }

    @Override
    public DecodingMode mode() {
      return DecodingMode.LINEAR_SPEC;
    }

    @Override
    Chunk plan() {
      if (inPrefill()) {
        return prefillChunk();
      }
      if (verifying) {
        return Chunk.causalWrite(block, start, Chunk.allRows(blockSize));
      }
      start = cache.length();
      block = new int[blockSize];
      Arrays.fill(block, mask);
      block[0] = next;
      return new Chunk(
          block,
          positions(start, blockSize),
          AttentionMask.BIDIRECTIONAL,
          new int[0],
          draftRows,
          Chunk.allRows(blockSize));
    }

    @Override
    void absorb(Chunk chunk, Logits logits) {
      if (inPrefill()) {
        next = pick(logits, chunk.length() - 1, cache.length());
        emission.emit(next);
        return;
      }
      if (!verifying) {
        int[] drafts = pick(logits, draftRows, positions(start + 1, blockSize - 1));
        System.arraycopy(drafts, 0, block, 1, blockSize - 1);
        verifying = true;
        return;
      }
      verifying = false;
      int[] verified = pick(logits, Chunk.allRows(blockSize), positions(start + 1, blockSize));
      int acc = speculation.settle(this, start, block, verified);
      next = verified[acc - 1];
    }

    @Override
    public DecodeResult result() {
      return speculation.result(mode(), this);
    }
  }
}
