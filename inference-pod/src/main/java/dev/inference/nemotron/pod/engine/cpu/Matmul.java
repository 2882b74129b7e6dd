package dev.inference.nemotron.pod.engine.cpu;

import dev.inference.nemotron.pod.model.Tensor;

/**
 * {@code out = x W^T} for a weight {@code W [out, in]} in its storage format and input rows {@code
 * x [rows, in]}. Output rows of {@code W} are split across the workers; within a worker's block the
 * kernel reads each weight row once for every input row ({@link Kernels#matmulBlock}).
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
          float[] scratch = new float[Kernels.SCRATCH_ROWS * inDim]; // decoded weight rows
          kernels.matmulBlock(w.dtype(), w.data(), inDim, from, to, x, rows, out, outDim, scratch);
        });
  }
}
