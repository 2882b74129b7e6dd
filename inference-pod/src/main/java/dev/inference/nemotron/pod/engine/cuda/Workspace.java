package dev.inference.nemotron.pod.engine.cuda;

import jcuda.driver.CUdeviceptr;

/**
 * The activation buffers of one forward, sized for a number of rows and grown (never shrunk) when a
 * larger forward comes; the sizes follow {@link MemoryPlan#workspaceBytes}.
 */
final class Workspace {
  private final CudaRuntime cuda;
  private final ModelDims dims;
  private int rows;
  private int logitRows;
  CUdeviceptr h; // [rows, H] residual stream
  CUdeviceptr x; // [rows, H] normed block input
  CUdeviceptr delta; // [rows, H] a block's output
  CUdeviceptr q; // [rows, heads * headDim]
  CUdeviceptr att; // [rows, heads * headDim]
  CUdeviceptr k; // [rows, kvWidth]
  CUdeviceptr v; // [rows, kvWidth]
  CUdeviceptr gate; // [rows, I]
  CUdeviceptr up; // [rows, I]
  CUdeviceptr split; // [2, rows, widest] BF16 halves for cuBLAS
  CUdeviceptr normed; // [rows, H] final-normed rows whose logits are asked for
  CUdeviceptr logits; // [logitRows, vocab]

  Workspace(CudaRuntime cuda, ModelDims dims) {
    this.cuda = cuda;
    this.dims = dims;
  }

  /** Makes room for a forward of {@code n} rows with {@code m} logit rows. */
  void ensure(int n, int m) {
    if (n > rows) {
      free(h, x, delta, q, att, k, v, gate, up, split, normed);
      rows = Math.max(n, 2 * rows);
      long r = rows;
      int widest = Math.max(Math.max(dims.hidden(), dims.intermediate()), dims.queryWidth());
      h = floats(r * dims.hidden());
      x = floats(r * dims.hidden());
      delta = floats(r * dims.hidden());
      q = floats(r * dims.queryWidth());
      att = floats(r * dims.queryWidth());
      k = floats(r * dims.kvWidth());
      v = floats(r * dims.kvWidth());
      gate = floats(r * dims.intermediate());
      up = floats(r * dims.intermediate());
      split = cuda.allocate(2 * r * widest * 2);
      normed = floats(r * dims.hidden());
    }
    if (m > logitRows) {
      free(logits);
      logitRows = Math.max(m, 2 * logitRows);
      logits = floats((long) logitRows * dims.vocab());
    }
  }

  private CUdeviceptr floats(long count) {
    return cuda.allocate(count * Float.BYTES);
  }

  private void free(CUdeviceptr... buffers) {
    for (CUdeviceptr b : buffers) {
      if (b != null) {
        cuda.free(b);
      }
    }
  }
}
