package dev.inference.nemotron.pod.engine.cpu;

import dev.inference.nemotron.pod.model.Tensor;

/**
 * Matmul blocks over quantized weights ({@link Tensor#quantization()}): the quantized twin of
 * {@link Kernels#matmulBlock}. {@link ScalarQuantizedKernels} is the plain-loop reference, {@link
 * VectorQuantizedKernels} the Vector API path; a test holds them equal on random shapes.
 *
 * <p>Every implementation computes an output element in one fixed order whatever the number of
 * input rows (one row or many, a request's logits must not change when others join its batch): each
 * weight is dequantized to a float ({@code code * scale}, one rounding), then multiplied with its
 * input in the order of the implementation's dot product.
 */
interface QuantizedKernels {

  /**
   * For weight rows j in {@code [from, to)} of the quantized {@code w [outDim, n]} and input rows r
   * in {@code [0, rows)} of {@code x [rows, n]}: {@code out[r * outDim + j] = dot(W[j], x[r])}.
   * {@code scratch} holds at least {@code Kernels.SCRATCH_ROWS * n} floats.
   */
  void matmulBlock(
      Tensor w, int from, int to, float[] x, int rows, float[] out, int outDim, float[] scratch);

  /** Weight row {@code row} of the quantized {@code w}, dequantized into {@code dst[offset ..]}. */
  void dequantizeRow(Tensor w, int row, float[] dst, int offset);

  /**
   * The quantized kernels that go with {@code kernels} (scalar with scalar, vector with vector,
   * native with native).
   */
  static QuantizedKernels matching(Kernels kernels) {
    if (kernels instanceof NativeKernels n) {
      return n.quantized(); // any call the library declines runs the Vector API kernels
    }
    return kernels instanceof ScalarKernels
        ? new ScalarQuantizedKernels()
        : new VectorQuantizedKernels();
  }
}
