package dev.inference.nemotron.pod.engine.cpu;

import java.util.Arrays;

/**
 * The engine's first attention, kept as the reference for {@link Attention}: grouped-query
 * attention of a batch's chunks against their caches: each (row, head) attends to every cached
 * position of its own sequence plus the rows of its own chunk that its mask allows, with {@code
 * softmax(q k^T / sqrt(headDim))} in fp32 after subtracting the maximum score. (row, head) pairs of
 * every sequence are split across the workers in one parallel call, so a batch waits for its
 * workers once per layer, not once per sequence.
 */
final class TwoPassAttention {
  private final int heads;
  private final int groupSize;
  private final int headDim;
  private final Kernels kernels;
  private final WorkerPool pool;

  TwoPassAttention(int heads, int kvHeads, int headDim, Kernels kernels, WorkerPool pool) {
    this.heads = heads;
    this.groupSize = heads / kvHeads;
    this.headDim = headDim;
    this.kernels = kernels;
    this.pool = pool;
  }

  /**
   * @param q batch queries after RoPE, {@code [n, heads * headDim]}
   * @param k batch keys after RoPE, {@code [n, kvHeads * headDim]}
   * @param v batch values, {@code [n, kvHeads * headDim]}
   * @param segments the sequences, covering rows {@code [0, n)} in order
   * @param out attention output, {@code [n, heads * headDim]}, overwritten
   */
  void apply(float[] q, float[] k, float[] v, Attention.Segment[] segments, int n, float[] out) {
    int queryWidth = heads * headDim;
    int kvWidth = queryWidth / groupSize;
    float invSqrt = (float) (1.0 / Math.sqrt(headDim));
    int[] segmentOfRow = new int[n];
    int longest = 0;
    for (int s = 0; s < segments.length; s++) {
      Attention.Segment seg = segments[s];
      Arrays.fill(segmentOfRow, seg.rowStart(), seg.rowStart() + seg.rows(), s);
      longest = Math.max(longest, seg.past() + seg.rows());
    }
    int scoreLength = longest;
    // More parts than workers: causal rows and long caches differ in cost, small parts balance.
    pool.forRanges(
        n * heads,
        pool.threads() * 4,
        (from, to) -> {
          float[] scores = new float[scoreLength]; // [visible keys]
          for (int item = from; item < to; item++) {
            int row = item / heads;
            int head = item % heads;
            Attention.Segment seg = segments[segmentOfRow[row]];
            boolean[] sees = seg.visible()[row - seg.rowStart()];
            float[] cacheK = seg.cacheK();
            float[] cacheV = seg.cacheV();
            short[] cacheK16 = seg.cacheK16();
            short[] cacheV16 = seg.cacheV16();
            int past = seg.past();
            int first = seg.rowStart();
            int qOffset = row * queryWidth + head * headDim;
            int kvOffset = (head / groupSize) * headDim;
            int count = 0;
            float max = Float.NEGATIVE_INFINITY;
            for (int p = 0; p < past; p++) {
              int at = p * kvWidth + kvOffset;
              float s =
                  (cacheK16 != null
                          ? kernels.dotBf16(q, qOffset, cacheK16, at, headDim)
                          : kernels.dot(q, qOffset, cacheK, at, headDim))
                      * invSqrt;
              scores[count++] = s;
              max = Math.max(max, s);
            }
            for (int j = 0; j < seg.rows(); j++) {
              if (sees[j]) {
                float s =
                    kernels.dot(q, qOffset, k, (first + j) * kvWidth + kvOffset, headDim) * invSqrt;
                scores[count++] = s;
                max = Math.max(max, s);
              }
            }
            float sum = 0f;
            for (int c = 0; c < count; c++) {
              scores[c] = (float) Math.exp(scores[c] - max);
              sum += scores[c];
            }
            float norm = 1f / sum;
            Arrays.fill(out, qOffset, qOffset + headDim, 0f);
            int c = 0;
            for (int p = 0; p < past; p++) {
              int at = p * kvWidth + kvOffset;
              if (cacheV16 != null) {
                kernels.axpyBf16(scores[c++] * norm, cacheV16, at, out, qOffset, headDim);
              } else {
                kernels.axpy(scores[c++] * norm, cacheV, at, out, qOffset, headDim);
              }
            }
            for (int j = 0; j < seg.rows(); j++) {
              if (sees[j]) {
                kernels.axpy(
                    scores[c++] * norm, v, (first + j) * kvWidth + kvOffset, out, qOffset, headDim);
              }
            }
          }
        });
  }
}
