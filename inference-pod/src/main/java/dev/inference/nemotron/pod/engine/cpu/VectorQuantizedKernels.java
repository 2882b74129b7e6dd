package dev.inference.nemotron.pod.engine.cpu;

import dev.inference.nemotron.pod.model.Quantization;
import dev.inference.nemotron.pod.model.Tensor;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link QuantizedKernels} on the JDK Vector API. One input row (decoding, bandwidth-bound): a
 * vector of codes is widened to floats in registers, multiplied by its block's scale and fused into
 * the accumulator, so only the stored bytes cross the memory bus. Several input rows
 * (compute-bound): a few weight rows are dequantized into a scratch buffer once, then streamed
 * against four input rows at a time.
 *
 * <p>Both paths sum an output element in the same order (one vector accumulator over consecutive
 * lanes-wide steps, a fixed butterfly over the lanes, then the scalar tail), so a row's result does
 * not depend on how many rows share the matmul.
 */
final class VectorQuantizedKernels implements QuantizedKernels {
  private static final VectorSpecies<Float> FLOATS = VectorKernels.FLOATS;
  private static final int LANES = FLOATS.length();
  // One byte per float lane; the narrowest byte vector is 64 bits, so 4-lane (128-bit) machines
  // decode through the scalar code path into the scratch rows instead.
  private static final boolean WIDE = LANES >= 8;
  private static final VectorSpecies<Byte> BYTES =
      WIDE ? VectorSpecies.of(byte.class, VectorShape.forBitSize(LANES * 8)) : null;
  private static final VectorSpecies<Integer> INTS =
      VectorSpecies.of(int.class, FLOATS.vectorShape());
  private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
  // E4M3 magnitude bits placed at the top of an fp32 mantissa read as 2^-120 of the value.
  private static final float E4M3_UNBIAS = 0x1p120f;

  @Override
  public void matmulBlock(
      Tensor w, int from, int to, float[] x, int rows, float[] out, int outDim, float[] scratch) {
    int n = w.columns();
    if (rows == 1 && WIDE) {
      for (int j = from; j < to; j++) {
        out[j] = fusedDot(w, j, x, scratch);
      }
      return;
    }
    for (int j0 = from; j0 < to; j0 += Kernels.SCRATCH_ROWS) {
      int count = Math.min(Kernels.SCRATCH_ROWS, to - j0);
      for (int q = 0; q < count; q++) {
        dequantizeRow(w, j0 + q, scratch, q * n);
      }
      // the dequantized rows take the float path: the same order as fusedDot, by construction
      VectorKernels.blockTimesRows(scratch, count, x, rows, n, out, j0, outDim);
    }
  }

  @Override
  public void dequantizeRow(Tensor w, int row, float[] dst, int offset) {
    Quantization q = w.quantization();
    int n = w.columns();
    int block = q.blockSize();
    MemorySegment codes = w.data();
    if (!WIDE) {
      ScalarQuantizedKernels.dequantize(w, row, dst, offset);
      return;
    }
    switch (q.format()) {
      case INT8 -> {
        long base = (long) row * n;
        for (int b = 0; b < n / block; b++) {
          FloatVector s = FloatVector.broadcast(FLOATS, q.scale(row, b));
          for (int c = b * block; c < (b + 1) * block; c += LANES) {
            int8(codes, base + c).mul(s).intoArray(dst, offset + c);
          }
        }
      }
      case INT4 -> {
        int half = block / 2;
        long base = (long) row * (n / 2);
        for (int b = 0; b < n / block; b++) {
          FloatVector s = FloatVector.broadcast(FLOATS, q.scale(row, b));
          long blockBytes = base + (long) b * half;
          int first = b * block;
          for (int c = 0; c < half; c += LANES) {
            IntVector packed = ints(codes, blockBytes + c);
            lowNibbles(packed).mul(s).intoArray(dst, offset + first + c);
            highNibbles(packed).mul(s).intoArray(dst, offset + first + half + c);
          }
        }
      }
      case FP8 -> {
        long base = (long) row * n;
        float scale = q.scale(row, 0);
        FloatVector s = FloatVector.broadcast(FLOATS, scale);
        int bound = FLOATS.loopBound(n);
        int i = 0;
        for (; i < bound; i += LANES) {
          e4m3(codes, base + i).mul(s).intoArray(dst, offset + i);
        }
        for (; i < n; i++) {
          dst[offset + i] = w.code(row, i) * scale;
        }
      }
    }
  }

  /**
   * {@code dot(W[row], x[0 .. n))} with W dequantized in registers, in the order of {@link
   * VectorKernels#rowDot} over the dequantized row. The row's scales are read into {@code scales}
   * first, so that the vector loop reads a float array rather than calling through the scale
   * tensor's decoding.
   */
  private static float fusedDot(Tensor w, int row, float[] x, float[] scales) {
    Quantization q = w.quantization();
    int n = w.columns();
    int block = q.blockSize();
    MemorySegment codes = w.data();
    for (int b = 0; b < n / block; b++) {
      scales[b] = q.scale(row, b);
    }
    FloatVector acc = FloatVector.zero(FLOATS);
    switch (q.format()) {
      case INT8 -> {
        long base = (long) row * n;
        for (int b = 0; b < n / block; b++) {
          FloatVector s = FloatVector.broadcast(FLOATS, scales[b]);
          for (int c = b * block; c < (b + 1) * block; c += LANES) {
            acc = int8(codes, base + c).mul(s).fma(FloatVector.fromArray(FLOATS, x, c), acc);
          }
        }
        return VectorKernels.sum(acc);
      }
      case INT4 -> {
        int half = block / 2;
        long base = (long) row * (n / 2);
        for (int b = 0; b < n / block; b++) {
          FloatVector s = FloatVector.broadcast(FLOATS, scales[b]);
          long blockBytes = base + (long) b * half;
          int first = b * block;
          // Low nibbles (the block's first half) first, then the high ones: consecutive inputs,
          // the order of the dequantized row. The second pass re-reads bytes already in L1.
          for (int c = 0; c < half; c += LANES) {
            IntVector packed = ints(codes, blockBytes + c);
            acc = lowNibbles(packed).mul(s).fma(FloatVector.fromArray(FLOATS, x, first + c), acc);
          }
          for (int c = 0; c < half; c += LANES) {
            IntVector packed = ints(codes, blockBytes + c);
            acc =
                highNibbles(packed)
                    .mul(s)
                    .fma(FloatVector.fromArray(FLOATS, x, first + half + c), acc);
          }
        }
        return VectorKernels.sum(acc);
      }
      case FP8 -> {
        long base = (long) row * n;
        float scale = scales[0];
        FloatVector s = FloatVector.broadcast(FLOATS, scale);
        int bound = FLOATS.loopBound(n);
        int i = 0;
        for (; i < bound; i += LANES) {
          acc = e4m3(codes, base + i).mul(s).fma(FloatVector.fromArray(FLOATS, x, i), acc);
        }
        float tail = 0f;
        for (; i < n; i++) {
          tail += w.code(row, i) * scale * x[i];
        }
        return VectorKernels.sum(acc) + tail;
      }
    }
    throw new AssertionError(q.format());
  }

  // Bytes widen to ints (B2I), then ints convert to floats (I2F): C2 compiles both to single
  // instructions on AVX2; a direct B2F conversion ran the int8 kernel ~1.5x slower (measured with
  // ndd bench, 1-row forward of the 1.5B shape: 403 ms against the fp8 kernel's 261 ms, which
  // already went through B2I).
  private static IntVector ints(MemorySegment codes, long byteOffset) {
    return (IntVector)
        ByteVector.fromMemorySegment(BYTES, codes, byteOffset, LE)
            .convertShape(VectorOperators.B2I, INTS, 0);
  }

  private static FloatVector int8(MemorySegment codes, long byteOffset) {
    return (FloatVector) ints(codes, byteOffset).convert(VectorOperators.I2F, 0);
  }

  private static FloatVector lowNibbles(IntVector packed) {
    return (FloatVector) packed.and(0x0F).sub(8).convert(VectorOperators.I2F, 0);
  }

  private static FloatVector highNibbles(IntVector packed) {
    // The ints are sign-extended bytes: shift, then mask the sign bits away.
    return (FloatVector)
        packed.lanewise(VectorOperators.ASHR, 4).and(0x0F).sub(8).convert(VectorOperators.I2F, 0);
  }

  /**
   * E4M3 codes to floats, exactly: the 7 magnitude bits shifted to the top of an fp32 exponent and
   * mantissa read as the value times 2^-120 (subnormal codes become fp32 subnormals, also exact);
   * multiplying by 2^120 restores it. {@code S.1111.111} becomes NaN.
   */
  private static FloatVector e4m3(MemorySegment codes, long byteOffset) {
    IntVector v = ints(codes, byteOffset);
    IntVector magnitude = v.and(0x7F);
    IntVector bits =
        magnitude
            .lanewise(VectorOperators.LSHL, 20)
            .or(v.and(0x80).lanewise(VectorOperators.LSHL, 24));
    FloatVector value = bits.reinterpretAsFloats().mul(E4M3_UNBIAS);
    VectorMask<Integer> nan = magnitude.eq(0x7F);
    return value.blend(Float.NaN, nan.cast(FLOATS));
  }
}
