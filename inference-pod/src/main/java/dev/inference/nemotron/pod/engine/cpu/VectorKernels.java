package dev.inference.nemotron.pod.engine.cpu;

import dev.inference.nemotron.pod.model.DType;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Kernels} on the JDK Vector API at the machine's preferred width (default, {@code
 * ndd.kernels=vector}). Tails shorter than a vector fall back to scalar loops, so every size and
 * offset is valid.
 */
public final class VectorKernels implements Kernels {
  static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED;
  // BF16 decode widens half as many bits: shorts at half the float width, ints at the full width.
  private static final VectorSpecies<Short> SHORTS =
      VectorSpecies.of(short.class, VectorShape.forBitSize(FLOATS.vectorBitSize() / 2));
  private static final VectorSpecies<Integer> INTS =
      VectorSpecies.of(int.class, FLOATS.vectorShape());
  private static final int LANES = FLOATS.length();
  private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

  @Override
  public String name() {
    return "vector";
  }

  /** Floats per vector on this machine (printed with the tunables). */
  public static int lanes() {
    return LANES;
  }

  @Override
  public void decode(
      DType dtype, MemorySegment data, long first, float[] dst, int dstOffset, int n) {
    int bound = FLOATS.loopBound(n);
    int i = 0;
    switch (dtype) {
      case BF16 -> {
        long base = first * 2;
        for (; i < bound; i += LANES) {
          ShortVector raw = ShortVector.fromMemorySegment(SHORTS, data, base + 2L * i, LE);
          IntVector wide = (IntVector) raw.convertShape(VectorOperators.S2I, INTS, 0);
          wide.lanewise(VectorOperators.LSHL, 16)
              .reinterpretAsFloats()
              .intoArray(dst, dstOffset + i);
        }
      }
      case F32 -> {
        long base = first * 4;
        for (; i < bound; i += LANES) {
          FloatVector.fromMemorySegment(FLOATS, data, base + 4L * i, LE)
              .intoArray(dst, dstOffset + i);
        }
      }
      // The Vector API has no half-float conversion; Float.float16ToFloat is an intrinsic.
      case F16 -> {}
    }
    for (; i < n; i++) {
      dst[dstOffset + i] = dtype.decode(data, first + i);
    }
  }

  @Override
  public float dot(float[] a, int aOffset, float[] b, int bOffset, int n) {
    FloatVector acc0 = FloatVector.zero(FLOATS);
    FloatVector acc1 = FloatVector.zero(FLOATS);
    int i = 0;
    int bound2 = n - n % (2 * LANES);
    for (; i < bound2; i += 2 * LANES) {
      acc0 =
          FloatVector.fromArray(FLOATS, a, aOffset + i)
              .fma(FloatVector.fromArray(FLOATS, b, bOffset + i), acc0);
      acc1 =
          FloatVector.fromArray(FLOATS, a, aOffset + i + LANES)
              .fma(FloatVector.fromArray(FLOATS, b, bOffset + i + LANES), acc1);
    }
    int bound = FLOATS.loopBound(n);
    for (; i < bound; i += LANES) {
      acc0 =
          FloatVector.fromArray(FLOATS, a, aOffset + i)
              .fma(FloatVector.fromArray(FLOATS, b, bOffset + i), acc0);
    }
    float sum = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
    for (; i < n; i++) {
      sum += a[aOffset + i] * b[bOffset + i];
    }
    return sum;
  }

  @Override
  public void dotRows(
      float[] w, float[] x, int rows, int n, float[] out, int outOffset, int outStride) {
    int bound = FLOATS.loopBound(n);
    int r = 0;
    // Four input rows per pass: each weight vector is loaded once and feeds four accumulators.
    for (; r + 4 <= rows; r += 4) {
      int x0 = r * n;
      int x1 = x0 + n;
      int x2 = x1 + n;
      int x3 = x2 + n;
      FloatVector acc0 = FloatVector.zero(FLOATS);
      FloatVector acc1 = FloatVector.zero(FLOATS);
      FloatVector acc2 = FloatVector.zero(FLOATS);
      FloatVector acc3 = FloatVector.zero(FLOATS);
      int i = 0;
      for (; i < bound; i += LANES) {
        FloatVector wv = FloatVector.fromArray(FLOATS, w, i);
        acc0 = wv.fma(FloatVector.fromArray(FLOATS, x, x0 + i), acc0);
        acc1 = wv.fma(FloatVector.fromArray(FLOATS, x, x1 + i), acc1);
        acc2 = wv.fma(FloatVector.fromArray(FLOATS, x, x2 + i), acc2);
        acc3 = wv.fma(FloatVector.fromArray(FLOATS, x, x3 + i), acc3);
      }
      float s0 = acc0.reduceLanes(VectorOperators.ADD);
      float s1 = acc1.reduceLanes(VectorOperators.ADD);
      float s2 = acc2.reduceLanes(VectorOperators.ADD);
      float s3 = acc3.reduceLanes(VectorOperators.ADD);
      for (; i < n; i++) {
        s0 += w[i] * x[x0 + i];
        s1 += w[i] * x[x1 + i];
        s2 += w[i] * x[x2 + i];
        s3 += w[i] * x[x3 + i];
      }
      int o = outOffset + r * outStride;
      out[o] = s0;
      out[o + outStride] = s1;
      out[o + 2 * outStride] = s2;
      out[o + 3 * outStride] = s3;
    }
    for (; r < rows; r++) {
      out[outOffset + r * outStride] = dot(w, 0, x, r * n, n);
    }
  }

  @Override
  public void axpy(float a, float[] x, int xOffset, float[] y, int yOffset, int n) {
    FloatVector av = FloatVector.broadcast(FLOATS, a);
    int bound = FLOATS.loopBound(n);
    int i = 0;
    for (; i < bound; i += LANES) {
      FloatVector.fromArray(FLOATS, x, xOffset + i)
          .fma(av, FloatVector.fromArray(FLOATS, y, yOffset + i))
          .intoArray(y, yOffset + i);
    }
    for (; i < n; i++) {
      y[yOffset + i] += a * x[xOffset + i];
    }
  }

  @Override
  public float sumOfSquares(float[] x, int offset, int n) {
    FloatVector acc = FloatVector.zero(FLOATS);
    int bound = FLOATS.loopBound(n);
    int i = 0;
    for (; i < bound; i += LANES) {
      FloatVector v = FloatVector.fromArray(FLOATS, x, offset + i);
      acc = v.fma(v, acc);
    }
    float sum = acc.reduceLanes(VectorOperators.ADD);
    for (; i < n; i++) {
      sum += x[offset + i] * x[offset + i];
    }
    return sum;
  }
}
