package dev.inference.nemotron.pod.engine.cpu;

import java.util.Arrays;

/**
 * Grouped-query attention of a chunk against the cache: each (row, head) attends to every cached
 * position plus the chunk rows its mask allows, with {@code softmax(q k^T / sqrt(headDim))} in fp32
 * after subtracting the maximum score. (row, head) pairs are split across the workers.
 */
final class Attention {
  private final int heads;
  private final int groupSize;
  private final int headDim;
  private final Kernels kernels;
  private final WorkerPool pool;

  Attention(int heads, int kvHeads, int headDim, Kernels kernels, WorkerPool pool) {
    this.heads = heads;
    this.groupSize = heads / kvHeads;
    this.headDim = headDim;
    this.kernels = kernels;
    this.pool = pool;
  }

  /**
   * @param q chunk queries after RoPE, {@code [n, heads * headDim]}
   * @param k chunk keys after RoPE, {@code [n, kvHeads * headDim]}
   * @param v chunk values, {@code [n, kvHeads * headDim]}
   * @param visible {@code visible[i][j]}: chunk row i sees chunk row j
   * @param cacheK cached keys, {@code [>= past, kvHeads * headDim]}
   * @param cacheV cached values, same shape
   * @param past number of cached positions, all visible
   * @param out attention output, {@code [n, heads * headDim]}, overwritten
   */
  void apply(
      float[] q,
      float[] k,
      float[] v,
      int n,
      boolean[][] visible,
      float[] cacheK,
      float[] cacheV,
      int past,
      float[] out) {
    int queryWidth = heads * headDim;
    int kvWidth = queryWidth / groupSize;
    float invSqrt = (float) (1.0 / Math.sqrt(headDim));
    // More parts than workers: causal rows differ in cost, small parts balance them.
    pool.forRanges(
        n * heads,
        pool.threads() * 4,
        (from, to) -> {
          float[] scores = new float[past + n]; // [visible keys]
          for (int item = from; item < to; item++) {
            int row = item / heads;
            int head = item % heads;
            int qOffset = row * queryWidth + head * headDim;
            int kvOffset = (head / groupSize) * headDim;
            int count = 0;
            float max = Float.NEGATIVE_INFINITY;
            for (int p = 0; p < past; p++) {
              float s = kernels.dot(q, qOffset, cacheK, p * kvWidth + kvOffset, headDim) * invSqrt;
              scores[count++] = s;
              max = Math.max(max, s);
            }
            for (int j = 0; j < n; j++) {
              if (visible[row][j]) {
                float s = kernels.dot(q, qOffset, k, j * kvWidth + kvOffset, headDim) * invSqrt;
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
              kernels.axpy(
                  scores[c++] * norm, cacheV, p * kvWidth + kvOffset, out, qOffset, headDim);
            }
            for (int j = 0; j < n; j++) {
              if (visible[row][j]) {
                kernels.axpy(scores[c++] * norm, v, j * kvWidth + kvOffset, out, qOffset, headDim);
              }
            }
          }
        });
  }
}
