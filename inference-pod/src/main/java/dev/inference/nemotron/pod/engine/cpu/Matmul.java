package dev.inference.nemotron.pod.engine.cpu;

import dev.inference.nemotron.pod.model.Tensor;

/**
 * {@code out = x W^T} for a weight {@code W [out, in]} in its storage format and input rows {@code
 * x [rows, in]}. Output rows of {@code W} are split across the workers; each weight row is decoded
 * once into a float buffer and dotted with every input row, so a multi-row chunk reads the weights
 * once.
 */
final class Matmul {
  private final Kernels kernels;
  private final WorkerPool pool;

  Matmul(Kernels kernels, WorkerPool pool) {
    this.kernels = kernels;
    this.pool = pool;
  }

  /** {@code out[r * W.rows() + j] = sum_c W[j, c] * x[r * W.columns() + c]} for r in [0, rows). */
  void apply(Tensor w, float[] x, int rows, float[] out) {
    int outDim = w.rows();
    int inDim = w.columns();
    pool.forRanges(
        outDim,
        (from, to) -> {
          float[] row = new float[inDim]; // [in], one decoded weight row
          for (int j = from; j < to; j++) {
            kernels.decode(w.dtype(), w.data(), (long) j * inDim, row, 0, inDim);
            kernels.dotRows(row, x, rows, inDim, out, j, outDim);
          }
        });
  }
}
