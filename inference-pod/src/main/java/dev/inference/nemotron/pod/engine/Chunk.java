package dev.inference.nemotron.pod.engine;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * One forward call's input: tokens at absolute positions, the attention mask among them, which
 * rows' K/V are appended to the cache (in order, at positions {@code cache.length() ..}), which
 * rows' logits are computed, and which rows run with the self-speculation draft adapter.
 *
 * <p>The switches of MODEL.md §5 are the common cases: {@link #causalWrite} (prefill, AR step,
 * commit, verify) and {@link #bidirectionalReadOnly} (diffusion step, draft). Anything else
 * (QuadraticSpec: positions that repeat, a per-row mask, only the chain written) is expressed
 * through the canonical constructor.
 *
 * <p>The draft adapter is a per-row switch because it changes only its rows' attention output
 * projection (MODEL.md §3): a row without it is computed exactly as in a forward without the
 * adapter, as long as it sees no adapter row (directly or through the rows it sees). QuadraticSpec
 * relies on this: its mask rows draft with the adapter while its chain rows, which see only the
 * chain, stay exact causal verify rows.
 *
 * @param tokens token ids, one per row
 * @param positions absolute position of each row (RoPE and the llama-4 query scale use it)
 * @param mask which chunk rows each row attends to (the cache is always visible)
 * @param writeRows chunk rows whose K/V are appended to the cache, strictly increasing; empty for
 *     READ_ONLY
 * @param logitRows chunk rows whose logits are computed, strictly increasing
 * @param adapterRows chunk rows whose o_proj applies the draft LoRA (linear_spec_lora), strictly
 *     increasing; draft rows only, empty for prefill, commit and verify; ignored when the forward
 *     pass has no adapter loaded
 * @param lateLogitRows chunk rows whose logits may be asked for after the forward ({@link
 *     Logits#prepare}), strictly increasing, disjoint from {@code logitRows}: the forward keeps
 *     their final hidden states and runs the LM head only for the rows a decoder then needs
 *     (QuadraticSpec knows which sub-block it drafts from only after verifying the chain)
 */
public record Chunk(
    int[] tokens,
    int[] positions,
    AttentionMask mask,
    int[] writeRows,
    int[] logitRows,
    int[] adapterRows,
    int[] lateLogitRows) {

  public Chunk {
    if (tokens.length == 0) {
      throw new IllegalArgumentException("a chunk needs at least one token");
    }
    if (positions.length != tokens.length) {
      throw new IllegalArgumentException(
          "positions has " + positions.length + " entries for " + tokens.length + " tokens");
    }
    requireIncreasingRows("writeRows", writeRows, tokens.length);
    requireIncreasingRows("logitRows", logitRows, tokens.length);
    requireIncreasingRows("adapterRows", adapterRows, tokens.length);
    requireIncreasingRows("lateLogitRows", lateLogitRows, tokens.length);
    for (int row : lateLogitRows) {
      if (Arrays.binarySearch(logitRows, row) >= 0) {
        throw new IllegalArgumentException(
            "row " + row + " is in both logitRows and lateLogitRows: name it in one of them");
      }
    }
    tokens = tokens.clone();
    positions = positions.clone();
    writeRows = writeRows.clone();
    logitRows = logitRows.clone();
    adapterRows = adapterRows.clone();
    lateLogitRows = lateLogitRows.clone();
  }

  /** A chunk without late logit rows. */
  public Chunk(
      int[] tokens,
      int[] positions,
      AttentionMask mask,
      int[] writeRows,
      int[] logitRows,
      int[] adapterRows) {
    this(tokens, positions, mask, writeRows, logitRows, adapterRows, new int[0]);
  }

  /** CAUSAL + WRITE from {@code cacheLength}; logits for the given rows; no adapter. */
  public static Chunk causalWrite(int[] tokens, int cacheLength, int[] logitRows) {
    return new Chunk(
        tokens,
        consecutive(cacheLength, tokens.length),
        AttentionMask.CAUSAL,
        allRows(tokens.length),
        logitRows,
        new int[0]);
  }

  /**
   * BIDIRECTIONAL + READ_ONLY from {@code cacheLength}; logits for every row; the draft adapter on
   * every row or on none.
   */
  public static Chunk bidirectionalReadOnly(int[] tokens, int cacheLength, boolean draftAdapter) {
    return new Chunk(
        tokens,
        consecutive(cacheLength, tokens.length),
        AttentionMask.BIDIRECTIONAL,
        new int[0],
        allRows(tokens.length),
        draftAdapter ? allRows(tokens.length) : new int[0]);
  }

  /** Rows 0..n-1. */
  public static int[] allRows(int n) {
    return IntStream.range(0, n).toArray();
  }

  /** Just the last of n rows. */
  public static int[] lastRow(int n) {
    return new int[] {n - 1};
  }

  /** Number of rows. */
  public int length() {
    return tokens.length;
  }

  private static int[] consecutive(int first, int n) {
    return IntStream.range(first, first + n).toArray();
  }

  private static void requireIncreasingRows(String name, int[] rows, int n) {
    for (int i = 0; i < rows.length; i++) {
      if (rows[i] < 0 || rows[i] >= n || (i > 0 && rows[i] <= rows[i - 1])) {
        throw new IllegalArgumentException(
            name + " must be strictly increasing rows in [0, " + n + "): " + Arrays.toString(rows));
      }
    }
  }

  /**
   * Rejects ids outside {@code [0, vocabSize)}, negative positions and writes that do not continue
   * {@code cache} or overflow it, before a forward pass changes anything.
   */
  public void checkAgainst(KvCache cache, int vocabSize) {
    int[] tokens = tokens();
    for (int r = 0; r < tokens.length; r++) {
      if (tokens[r] < 0 || tokens[r] >= vocabSize) {
        throw new IllegalArgumentException(
            "token "
                + tokens[r]
                + " at row "
                + r
                + " is outside the vocabulary [0, "
                + vocabSize
                + ")");
      }
    }
    for (int p : positions()) {
      if (p < 0) {
        throw new IllegalArgumentException("negative position " + p + " in chunk");
      }
    }
    int[] writes = writeRows();
    int[] positions = positions();
    for (int w = 0; w < writes.length; w++) {
      int expected = cache.length() + w;
      if (positions[writes[w]] != expected) {
        throw new IllegalArgumentException(
            "written row "
                + writes[w]
                + " is at position "
                + positions[writes[w]]
                + " but the cache's next free position is "
                + expected);
      }
    }
    if (cache.length() + writes.length > cache.capacity()) {
      throw new IllegalArgumentException(
          "KV cache overflow: "
              + cache.length()
              + " cached + "
              + writes.length
              + " written positions exceed its capacity "
              + cache.capacity()
              + "; create the cache with a larger capacity");
    }
  }
}
