package dev.inference.nemotron.pod.engine.cpu;

import dev.inference.nemotron.pod.model.Quantization;
import dev.inference.nemotron.pod.model.Tensor;

/**
 * The plain-loop reference twin of {@link VectorQuantizedKernels}: dequantize a weight row (code
 * times its block's scale), then an ordinary dot product with each input row.
 */
final class ScalarQuantizedKernels implements QuantizedKernels {

  @Override
  public void matmulBlock(
      Tensor w, int from, int to, float[] x, int rows, float[] out, int outDim, float[] scratch) {
    int n = w.columns();
    for (int j = from; j < to; j++) {
      dequantizeRow(w, j, scratch, 0);
      for (int r = 0; r < rows; r++) {
        float sum = 0f;
        for (int i = 0; i < n; i++) {
          sum += scratch[i] * x[r * n + i];
        }
        out[r * outDim + j] = sum;
      }
    }
  }

  @Override
  public void dequantizeRow(Tensor w, int row, float[] dst, int offset) {
    dequantize(w, row, dst, offset);
  }

  /** {@link #dequantizeRow} code by code: the reference, and the vector kernels' narrow path. */
  static void dequantize(Tensor w, int row, float[] dst, int offset) {
    Quantization q = w.quantization();
    int n = w.columns();
    int block = q.blockSize();
    for (int b = 0; b < n / block; b++) {
      float scale = q.scale(row, b);
      for (int i = b * block; i < (b + 1) * block; i++) {
        dst[offset + i] = w.code(row, i) * scale;
      }
    }
  }
}
