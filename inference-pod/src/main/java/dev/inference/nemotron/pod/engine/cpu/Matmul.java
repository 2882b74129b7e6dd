package dev.inference.nemotron.pod.engine.cpu;

import dev.inference.nemotron.pod.model.Tensor;

/**
 * {@code out = x W^T} for weights {@code W [out, in]} in their storage format and input rows {@code
 * x [rows, in]}. Output rows are split across the workers; within a worker's range the kernel reads
 * each weight row once for every input row ({@link Kernels#matmulBlock}). Several weights that
 * share an input (q/k/v, gate/up) run as one parallel call, so a layer waits for its workers fewer
 * times. With {@link NativeKernels} each worker's range is one call into the C library (float and
 * quantized weights alike), which falls back to the Java kernels for what it does not take.
 */
final class Matmul {
  // More ranges than workers: a core slowed by another process hands its ranges to the others.
  private static final int RANGES_PER_WORKER = 4;

  // One scratch buffer per worker thread, grown on demand: workers live for the process, and a
  // fresh buffer per call would be ~100 MB of garbage per forward of a 1B model.
  private static final ThreadLocal<float[][]> SCRATCH =
      ThreadLocal.withInitial(() -> new float[1][0]);

  private final Kernels kernels;
  private final QuantizedKernels quantized;
  private final WorkerPool pool;

  Matmul(Kernels kernels, WorkerPool pool) {
    this.kernels = kernels;
    this.quantized = QuantizedKernels.matching(kernels);
    this.pool = pool;
  }

  /** {@code out[r * W.rows() + j] = sum_c W[j, c] * x[r * W.columns() + c]} for r in [0, rows). */
  void apply(Tensor w, float[] x, int rows, float[] out) {
    applyAll(x, rows, new Tensor[] {w}, new float[][] {out});
  }

  /** {@link #apply} for each {@code weights[t]} into {@code outs[t]}; all share {@code x}. */
  void applyAll(float[] x, int rows, Tensor[] weights, float[][] outs) {
    int inDim = weights[0].columns();
    int total = 0;
    for (Tensor w : weights) {
      if (w.columns() != inDim) {
        throw new IllegalArgumentException(w + " does not take inputs of width " + inDim);
      }
      total += w.rows();
    }
    pool.forRanges(
        total,
        pool.threads() * RANGES_PER_WORKER,
        (from, to) -> {
          float[] scratch = scratch(Kernels.SCRATCH_ROWS * inDim); // decoded weight rows
          int base = 0;
          for (int t = 0; t < weights.length; t++) {
            Tensor w = weights[t];
            int lo = Math.max(from, base);
            int hi = Math.min(to, base + w.rows());
            if (lo < hi && w.isQuantized()) {
              quantized.matmulBlock(w, lo - base, hi - base, x, rows, outs[t], w.rows(), scratch);
            } else if (lo < hi) {
              kernels.matmulBlock(
                  w.dtype(), w.data(), inDim, lo - base, hi - base, x, rows, outs[t], w.rows(),
                  scratch);
            }
            base += w.rows();
          }
        });
  }

  private static float[] scratch(int size) {
    float[][] holder = SCRATCH.get();
    if (holder[0].length < size) {
      holder[0] = new float[size];
    }
    return holder[0];
  }
}
