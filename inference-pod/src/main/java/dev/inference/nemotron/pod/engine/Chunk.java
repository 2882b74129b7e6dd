package dev.inference.nemotron.pod.engine;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * One forward call's input: tokens at absolute positions, the attention mask among them, which
 * rows' K/V are appended to the cache (in order, at positions {@code cache.length() ..}), which
 * rows' logits are computed, and whether the self-speculation draft adapter is on.
 *
 * <p>The switches of MODEL.md §5 are the common cases: {@link #causalWrite} (prefill, AR step,
 * commit, verify) and {@link #bidirectionalReadOnly} (diffusion step, draft). Anything else
 * (QuadraticSpec: positions that repeat, a per-row mask, only the chain written) is expressed
 * through the canonical constructor.
 *
 * @param tokens token ids, one per row
 * @param positions absolute position of each row (RoPE and the llama-4 query scale use it)
 * @param mask which chunk rows each row attends to (the cache is always visible)
 * @param writeRows chunk rows whose K/V are appended to the cache, strictly increasing; empty for
 *     READ_ONLY
 * @param logitRows chunk rows whose logits are computed, strictly increasing
 * @param draftAdapter whether the draft LoRA (linear_spec_lora) is applied, drafts only
 */
public record Chunk(
    int[] tokens,
    int[] positions,
    AttentionMask mask,
    int[] writeRows,
    int[] logitRows,
    boolean draftAdapter) {

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
    tokens = tokens.clone();
    positions = positions.clone();
    writeRows = writeRows.clone();
    logitRows = logitRows.clone();
  }

  /** CAUSAL + WRITE from {@code cacheLength}; logits for the given rows. */
  public static Chunk causalWrite(int[] tokens, int cacheLength, int[] logitRows) {
    return new Chunk(
        tokens,
        consecutive(cacheLength, tokens.length),
        AttentionMask.CAUSAL,
        allRows(tokens.length),
        logitRows,
        false);
  }

  /** BIDIRECTIONAL + READ_ONLY from {@code cacheLength}; logits for every row. */
  public static Chunk bidirectionalReadOnly(int[] tokens, int cacheLength, boolean draftAdapter) {
    return new Chunk(
        tokens,
        consecutive(cacheLength, tokens.length),
        AttentionMask.BIDIRECTIONAL,
        new int[0],
        allRows(tokens.length),
        draftAdapter);
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
}
