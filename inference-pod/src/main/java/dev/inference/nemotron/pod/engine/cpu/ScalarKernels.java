package dev.inference.nemotron.pod.engine.cpu;

import dev.inference.nemotron.pod.model.DType;
import java.lang.foreign.MemorySegment;

/** The plain-loop reference twin of {@link VectorKernels} (property {@code ndd.kernels=scalar}). */
public final class ScalarKernels implements Kernels {

  @Override
  public String name() {
    return "scalar";
  }

  @Override
  public void decode(
      DType dtype, MemorySegment data, long first, float[] dst, int dstOffset, int n) {
    for (int i = 0; i < n; i++) {
      dst[dstOffset + i] = dtype.decode(data, first + i);
    }
  }

  @Override
  public float dot(float[] a, int aOffset, float[] b, int bOffset, int n) {
    float sum = 0f;
    for (int i = 0; i < n; i++) {
      sum += a[aOffset + i] * b[bOffset + i];
    }
    return sum;
  }

  @Override
  public void matmulBlock(
      DType dtype,
      MemorySegment w,
      int n,
      int from,
      int to,
      float[] x,
      int rows,
      float[] out,
      int outDim,
      float[] scratch) {
    for (int j = from; j < to; j++) {
      decode(dtype, w, (long) j * n, scratch, 0, n);
      for (int r = 0; r < rows; r++) {
        out[r * outDim + j] = dot(scratch, 0, x, r * n, n);
      }
    }
  }

  @Override
  public float dotBf16(float[] a, int aOffset, short[] b, int bOffset, int n) {
    float sum = 0f;
    for (int i = 0; i < n; i++) {
      sum += a[aOffset + i] * Bf16.toFloat(b[bOffset + i]);
    }
    return sum;
  }

  @Override
  public void axpyBf16(float a, short[] x, int xOffset, float[] y, int yOffset, int n) {
    for (int i = 0; i < n; i++) {
      y[yOffset + i] += a * Bf16.toFloat(x[xOffset + i]);
    }
  }

  @Override
  public void swiglu(float[] gate, float[] up, int offset, int n) {
    for (int i = offset; i < offset + n; i++) {
      float g = gate[i];
      gate[i] = g / (1f + (float) Math.exp(-g)) * up[i];
    }
  }

  @Override
  public void axpy(float a, float[] x, int xOffset, float[] y, int yOffset, int n) {
    for (int i = 0; i < n; i++) {
      y[yOffset + i] += a * x[xOffset + i];
    }
  }

  @Override
  public float sumOfSquares(float[] x, int offset, int n) {
    float sum = 0f;
    for (int i = 0; i < n; i++) {
      float v = x[offset + i];
      sum += v * v;
    }
    return sum;
  }
}
