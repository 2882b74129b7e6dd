package dev.inference.nemotron.pod.engine.cpu;

import java.util.Arrays;

/**
 * Grouped-query attention of a batch's chunks against their caches: each (row, head) attends to
 * every cached position of its own sequence plus the rows of its own chunk that its mask allows,
 * with {@code softmax(q k^T / sqrt(headDim))} in fp32.
 *
 * <p>One work item is a (row, KV head) pair: the group's query heads walk the keys together, in
 * tiles of {@link #TILE} positions, with an online softmax (a running maximum and sum per head; the
 * partial output is rescaled when a tile raises the maximum). Each cached key and value is thus
 * read once per group and per row rather than once per query head, and with no score buffer as long
 * as the context: at 8,192 cached positions a decode step reads the cache once. Tiles start at
 * fixed positions and a row's work never depends on other rows, so a row's output is the same
 * whatever batch it runs in. Every sequence's items are split across the workers in one parallel
 * call.
 */
final class Attention {
  /** Keys per tile: their scores for the whole group stay in L1 with the tile's values. */
  static final int TILE = 64;

  private final int kvHeads;
  private final int groupSize;
  private final int headDim;
  private final Kernels kernels;
  // Whether a tile runs the Vector API's grouped kernels (all heads of a group per K/V load, the
  // polynomial exp): the vector kernels and the native ones, which extend them with C matmuls.
  private final boolean grouped;
  private final float invSqrt; // 1 / sqrt(headDim), the score scale
  private final WorkerPool pool;

  /**
   * One sequence's rows in the batch.
   *
   * @param rowStart first batch row of the sequence's chunk
   * @param rows number of chunk rows
   * @param visible {@code visible[i][j]}: chunk row i sees chunk row j
   * @param cacheK cached keys, {@code [>= past, kvHeads * headDim]}; null for a BF16 cache
   * @param cacheV cached values, same shape; null for a BF16 cache
   * @param cacheK16 cached keys of a BF16 cache, else null
   * @param cacheV16 cached values of a BF16 cache, else null
   * @param past number of cached positions, all visible
   */
  record Segment(
      int rowStart,
      int rows,
      boolean[][] visible,
      float[] cacheK,
      float[] cacheV,
      short[] cacheK16,
      short[] cacheV16,
      int past) {}

  Attention(int heads, int kvHeads, int headDim, Kernels kernels, WorkerPool pool) {
    this.kvHeads = kvHeads;
    this.groupSize = heads / kvHeads;
    this.headDim = headDim;
    this.kernels = kernels;
    this.grouped = kernels instanceof VectorKernels;
    this.invSqrt = (float) (1.0 / Math.sqrt(headDim));
    this.pool = pool;
  }

  /**
   * @param q batch queries after RoPE, {@code [n, heads * headDim]}
   * @param k batch keys after RoPE, {@code [n, kvHeads * headDim]}
   * @param v batch values, {@code [n, kvHeads * headDim]}
   * @param segments the sequences, covering rows {@code [0, n)} in order
   * @param out attention output, {@code [n, heads * headDim]}, overwritten
   */
  void apply(float[] q, float[] k, float[] v, Segment[] segments, int n, float[] out) {
    int[] segmentOfRow = new int[n];
    for (int s = 0; s < segments.length; s++) {
      Segment seg = segments[s];
      Arrays.fill(segmentOfRow, seg.rowStart(), seg.rowStart() + seg.rows(), s);
    }
    // More parts than workers: causal rows and long caches differ in cost, small parts balance.
    pool.forRanges(
        n * kvHeads,
        pool.threads() * 4,
        (from, to) -> {
          GroupState state = new GroupState(groupSize, headDim);
          for (int item = from; item < to; item++) {
            int row = item / kvHeads;
            attendGroup(q, k, v, segments[segmentOfRow[row]], row, item % kvHeads, state, out);
          }
        });
  }

  /** One worker's buffers for a group: scores of a tile, running maxima, sums and outputs. */
  private static final class GroupState {
    final float[] scores; // [group, TILE]
    final float[] max; // [group]
    final float[] sum; // [group]
    final float[] acc; // [group, headDim], unnormalised output
    final int[] at; // [TILE] offsets of a tile's keys and values

    GroupState(int group, int headDim) {
      scores = new float[group * TILE];
      max = new float[group];
      sum = new float[group];
      acc = new float[group * headDim];
      at = new int[TILE];
    }
  }

  /** The group of KV head {@code g} for batch row {@code row}: cache tiles, then the chunk rows. */
  private void attendGroup(
      float[] q, float[] k, float[] v, Segment seg, int row, int g, GroupState st, float[] out) {
    int queryWidth = kvHeads * groupSize * headDim;
    int kvWidth = kvHeads * headDim;
    int q0 = row * queryWidth + g * groupSize * headDim; // the group's first query head
    int kv0 = g * headDim;
    Arrays.fill(st.max, Float.NEGATIVE_INFINITY);
    Arrays.fill(st.sum, 0f);
    Arrays.fill(st.acc, 0f);
    for (int p0 = 0; p0 < seg.past(); p0 += TILE) {
      int count = Math.min(TILE, seg.past() - p0);
      for (int t = 0; t < count; t++) {
        st.at[t] = (p0 + t) * kvWidth + kv0;
      }
      tile(q, q0, seg.cacheK(), seg.cacheK16(), seg.cacheV(), seg.cacheV16(), count, st);
    }
    // The chunk's own rows (fresh K/V, F32) that this row sees, a tile at a time.
    boolean[] sees = seg.visible()[row - seg.rowStart()];
    int j = 0;
    while (j < seg.rows()) {
      int count = 0;
      for (; j < seg.rows() && count < TILE; j++) {
        if (sees[j]) {
          st.at[count++] = (seg.rowStart() + j) * kvWidth + kv0;
        }
      }
      if (count > 0) {
        tile(q, q0, k, null, v, null, count, st);
      }
    }
    for (int h = 0; h < groupSize; h++) {
      // No visible key at all (only a mask can do that): a zero output, as a sum over nothing.
      float norm = st.sum[h] > 0 ? 1f / st.sum[h] : 0f;
      int o = q0 + h * headDim;
      for (int d = 0; d < headDim; d++) {
        out[o + d] = st.acc[h * headDim + d] * norm;
      }
    }
  }

  /**
   * One tile of {@code count} keys and values at {@code st.at}: scores, the online softmax, the
   * weighted values. The vector (and native) kernels take the group's heads together (each K/V
   * vector loaded once); the scalar reference goes head by head.
   */
  private void tile(
      float[] q,
      int q0,
      float[] keys,
      short[] keys16,
      float[] values,
      short[] values16,
      int count,
      GroupState st) {
    if (grouped) {
      VectorKernels.groupScores(
          q, q0, groupSize, headDim, keys, keys16, st.at, count, invSqrt, st.scores, TILE);
      rescale(st, count);
      VectorKernels.groupWeightedSum(
          st.scores, TILE, groupSize, headDim, values, values16, st.at, count, st.acc);
      return;
    }
    for (int t = 0; t < count; t++) {
      for (int h = 0; h < groupSize; h++) {
        float dot =
            keys16 != null
                ? kernels.dotBf16(q, q0 + h * headDim, keys16, st.at[t], headDim)
                : kernels.dot(q, q0 + h * headDim, keys, st.at[t], headDim);
        st.scores[h * TILE + t] = dot * invSqrt;
      }
    }
    rescale(st, count);
    for (int t = 0; t < count; t++) {
      for (int h = 0; h < groupSize; h++) {
        float weight = st.scores[h * TILE + t];
        if (values16 != null) {
          kernels.axpyBf16(weight, values16, st.at[t], st.acc, h * headDim, headDim);
        } else {
          kernels.axpy(weight, values, st.at[t], st.acc, h * headDim, headDim);
        }
      }
    }
  }

  /**
   * Folds a tile's scores into the running softmax of each head: raises the maximum (scaling the
   * partial output and sum down by {@code exp(old - new)}), then turns the scores into weights
   * {@code exp(s - max)} and adds them to the sum.
   */
  private void rescale(GroupState st, int count) {
    for (int h = 0; h < groupSize; h++) {
      int s0 = h * TILE;
      float tileMax = Float.NEGATIVE_INFINITY;
      for (int t = 0; t < count; t++) {
        tileMax = Math.max(tileMax, st.scores[s0 + t]);
      }
      float max = Math.max(st.max[h], tileMax);
      if (max > st.max[h] && st.max[h] != Float.NEGATIVE_INFINITY) {
        float scale = (float) Math.exp(st.max[h] - max);
        st.sum[h] *= scale;
        for (int d = 0; d < headDim; d++) {
          st.acc[h * headDim + d] *= scale;
        }
      }
      st.max[h] = max;
      float sum = st.sum[h];
      if (grouped) {
        // A tile's weights in vector steps (a deterministic polynomial: the same bits compiled or
        // interpreted), then summed in key order as the scalar loop below does.
        VectorKernels.expShifted(st.scores, s0, count, max);
        for (int t = 0; t < count; t++) {
          sum += st.scores[s0 + t];
        }
      } else {
        for (int t = 0; t < count; t++) {
          float e = (float) Math.exp(st.scores[s0 + t] - max);
          st.scores[s0 + t] = e;
          sum += e;
        }
      }
      st.sum[h] = sum;
    }
  }
}
