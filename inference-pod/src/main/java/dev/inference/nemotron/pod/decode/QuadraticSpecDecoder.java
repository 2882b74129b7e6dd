package dev.inference.nemotron.pod.decode;

import dev.inference.nemotron.pod.engine.AttentionMask;
import dev.inference.nemotron.pod.engine.Chunk;
import dev.inference.nemotron.pod.engine.ForwardPass;
import dev.inference.nemotron.pod.engine.KvCache;
import dev.inference.nemotron.pod.engine.Logits;
import java.util.Arrays;
import java.util.BitSet;
import java.util.stream.IntStream;

/**
 * Quadratic self-speculation (MODEL.md §6.4): one forward per round verifies the current draft and
 * drafts the next block for every possible acceptance length.
 *
 * <p>A round at cache length {@code L0} holds {@code draft[0..B-1]} ({@code draft[0]} is the last
 * emitted token, the rest drafts for positions {@code L0+1 ..}). Its chunk is B sub-blocks {@code
 * [draft[j], M x B]}, B*(B+1) rows: the chain row of sub-block j holds {@code draft[j]} at position
 * {@code L0+j} and sees the chain rows 0..j (CAUSAL over the chain: these rows are exactly the
 * verify rows of §6.3, and only their K/V are written); its B mask rows sit at positions {@code
 * L0+j+1 .. L0+j+B} and see the chain rows 0..j and every row of their own sub-block (BIDIRECTIONAL
 * inside it). Chain row j's logits verify {@code draft[j+1]}; acceptance is as in §6.3 ({@link
 * Speculation}). With acceptance length {@code acc} the next token {@code next} = verified[acc-1]
 * sits at position {@code L0+acc}, and sub-block {@code acc-1}, which saw exactly the accepted
 * chain, drafted positions {@code L0+acc .. L0+acc+B-1}: its masks at {@code L0+acc+1 ..} give the
 * next draft (the mask at {@code L0+acc} is superseded by the verifier's bonus token).
 *
 * <p>The first draft comes from the prefill itself, which is the same construction with the prompt
 * as the chain: {@code [prompt, M x B]}, prompt rows CAUSAL and written, the B masks at the
 * positions after the prompt seeing the whole prompt and each other. It stays one forward (with B
 * extra rows), so a request costs 1 + rounds forwards and a perfect drafter yields B tokens per
 * forward from the first round on.
 *
 * <p>The draft adapter is on for the mask rows only ({@link Chunk#adapterRows()}), in the rounds
 * and in the prefill: they draft as §6.3's draft forward does. The chain rows (and the prompt rows
 * of the prefill) run without it and see no mask row, so they are computed exactly as causal verify
 * (prefill) rows: what is verified, emitted and cached does not depend on the adapter.
 */
public final class QuadraticSpecDecoder implements Decoder {
  private final int blockSize;

  /**
   * @param blockSize B, at least 2: one round verifies B - 1 drafts
   */
  public QuadraticSpecDecoder(int blockSize) {
    this.blockSize = Speculation.checkedBlockSize(blockSize);
  }

  @Override
  public DecodingMode mode() {
    return DecodingMode.QUADRATIC_SPEC;
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
    private int[] draft;
    private int start;

    Task(ForwardPass model, KvCache cache, DecodeRequest request) {
      super(QuadraticSpecDecoder.this, model, cache, request);
    }

    @Override
    public DecodingMode mode() {
      return DecodingMode.QUADRATIC_SPEC;
    }

    @Override
    Chunk plan() {
      start = cache.length();
      return inPrefill()
          ? quadraticPrefill(promptRest(), start, mask)
          : roundChunk(draft, start, mask);
    }

    @Override
    void absorb(Chunk chunk, Logits logits) {
      int b = blockSize;
      if (inPrefill()) {
        int p = chunk.length() - b;
        int nextPosition = start + p;
        // Row p - 1 predicts the first token, masks p + 1 .. p + b - 1 the drafts after it: the
        // chunk's logit rows, picked together.
        draft = pick(logits, chunk.logitRows(), positions(nextPosition, b));
        emission.emit(draft[0]);
        return;
      }
      int[] verified = pick(logits, chunk.logitRows(), positions(start + 1, b));
      int acc = speculation.settle(this, start, draft, verified);
      if (emission.done()) {
        return;
      }
      // Only now is it known which sub-block drafts the next block: its logits alone are computed.
      int from = chainRow(acc - 1);
      int[] drafts =
          pick(
              logits,
              IntStream.rangeClosed(from + 2, from + b).toArray(),
              positions(start + acc + 1, b - 1));
      int[] nextDraft = new int[b];
      nextDraft[0] = verified[acc - 1];
      System.arraycopy(drafts, 0, nextDraft, 1, b - 1);
      draft = nextDraft;
    }

    @Override
    public DecodeResult result() {
      return speculation.result(mode(), this);
    }
  }

  /**
   * {@code [prompt, M x B]}: the prompt CAUSAL and written, the masks drafting after it with the
   * adapter.
   */
  private Chunk quadraticPrefill(int[] prompt, int start, int mask) {
    int p = prompt.length;
    int n = p + blockSize;
    int[] tokens = Arrays.copyOf(prompt, n);
    Arrays.fill(tokens, p, n, mask);
    BitSet[] visible = new BitSet[n];
    for (int i = 0; i < n; i++) {
      visible[i] = new BitSet(n);
      visible[i].set(0, i < p ? i + 1 : n);
    }
    int[] logitRows = new int[blockSize];
    logitRows[0] = p - 1;
    for (int i = 1; i < blockSize; i++) {
      logitRows[i] = p + i;
    }
    int[] maskRows = Arrays.copyOfRange(Chunk.allRows(n), p, n);
    return new Chunk(
        tokens,
        Generation.positions(start, n),
        AttentionMask.perRow(visible),
        Chunk.allRows(p),
        logitRows,
        maskRows);
  }

  /**
   * The B sub-blocks {@code [draft[j], M x B]} of one round; only the chain is written, only the
   * masks have the adapter. Logits: the chain rows (verify) now; the masks that can become the next
   * draft (offsets 2..B of each sub-block) late, for the one sub-block the acceptance picks.
   */
  private Chunk roundChunk(int[] draft, int start, int mask) {
    int b = blockSize;
    int n = b * (b + 1);
    int[] tokens = new int[n];
    int[] positions = new int[n];
    BitSet[] visible = new BitSet[n];
    int[] chain = new int[b];
    int[] maskRows = new int[b * b];
    int[] lateRows = new int[b * (b - 1)];
    int m = 0;
    int l = 0;
    for (int j = 0; j < b; j++) {
      int row = chainRow(j);
      chain[j] = row;
      BitSet chainPrefix = new BitSet(n);
      for (int k = 0; k <= j; k++) {
        chainPrefix.set(chainRow(k));
      }
      tokens[row] = draft[j];
      positions[row] = start + j;
      visible[row] = chainPrefix;
      for (int k = 1; k <= b; k++) {
        tokens[row + k] = mask;
        positions[row + k] = start + j + k;
        visible[row + k] = (BitSet) chainPrefix.clone();
        visible[row + k].set(row + 1, row + b + 1);
        maskRows[m++] = row + k;
        if (k >= 2) {
          lateRows[l++] = row + k;
        }
      }
    }
    return new Chunk(
        tokens, positions, AttentionMask.perRow(visible), chain, chain, maskRows, lateRows);
  }

  private int chainRow(int j) {
    return j * (blockSize + 1);
  }
}
