package dev.inference.nemotron.pod.engine.cpu;

import dev.inference.nemotron.pod.model.DType;
import dev.inference.nemotron.pod.model.Quantization;
import dev.inference.nemotron.pod.model.Tensor;
import java.lang.foreign.MemorySegment;

/**
 * {@link QuantizedKernels} in the native library: int8, int4 and fp8 weights with BF16, F16 or F32
 * scales, in {@link VectorQuantizedKernels}' summation order (so with its bits). Calls the library
 * declines (a block size that is not a multiple of two vectors) run the Vector API kernels.
 */
final class NativeQuantizedKernels implements QuantizedKernels {
  // Format codes of ndd_matmul_quant (kernels/cpu/src/main/c/matmul.c).
  private static final int INT8 = 0;
  private static final int INT4 = 1;
  private static final int FP8 = 2;

  private final NativeLibrary library;
  private final VectorQuantizedKernels vector = new VectorQuantizedKernels();

  NativeQuantizedKernels(NativeLibrary library) {
    this.library = library;
  }

  @Override
  public void matmulBlock(
      Tensor w, int from, int to, float[] x, int rows, float[] out, int outDim, float[] scratch) {
    if (from >= to) {
      return;
    }
    if (matmulNative(w, from, to, x, rows, out, outDim) != 0) {
      vector.matmulBlock(w, from, to, x, rows, out, outDim, scratch);
    }
  }

  /** {@link #matmulBlock} in the library: 0 when it ran, non-zero when it declined. */
  int matmulNative(Tensor w, int from, int to, float[] x, int rows, float[] out, int outDim) {
    Quantization q = w.quantization();
    int format =
        switch (q.format()) {
          case INT8 -> INT8;
          case INT4 -> INT4;
          case FP8 -> FP8;
        };
    Tensor scales = q.scales();
    int scaleDtype =
        scales.dtype() == DType.BF16
            ? NativeKernels.BF16
            : scales.dtype() == DType.F16 ? NativeKernels.F16 : NativeKernels.F32;
    MemorySegment codes = w.data();
    try {
      return (int)
          library
              .matmulQuant()
              .invokeExact(
                  format,
                  codes,
                  scales.data(),
                  scaleDtype,
                  (long) q.scaleRowStride(),
                  (long) q.blockSize(),
                  (long) w.columns(),
                  (long) from,
                  (long) to,
                  MemorySegment.ofArray(x),
                  (long) rows,
                  MemorySegment.ofArray(out),
                  (long) outDim);
    } catch (Throwable t) {
      throw new IllegalStateException("native matmul of " + w + " failed", t);
    }
  }

  @Override
  public void dequantizeRow(Tensor w, int row, float[] dst, int offset) {
    vector.dequantizeRow(w, row, dst, offset);
  }
}
