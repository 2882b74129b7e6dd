package dev.inference.nemotron.pod.engine.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.inference.nemotron.pod.model.DType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every vector kernel against its scalar twin, on random sizes (most not a multiple of the vector
 * length) and random offsets.
 */
class KernelsTest {
  private static final Kernels SCALAR = new ScalarKernels();
  private static final Kernels VECTOR = new VectorKernels();
  private final Random random = new Random(42);

  @ParameterizedTest
  @EnumSource(DType.class)
  void vectorDecodeEqualsScalarDecodeBitForBit(DType dtype) {
    for (int trial = 0; trial < 200; trial++) {
      int elements = 1 + random.nextInt(300);
      // A byte-array segment at an odd byte offset: safetensors data need not be aligned.
      int skew = random.nextInt(3);
      MemorySegment data = randomStorage(dtype, elements, skew);
      long first = random.nextInt(elements);
      int n = (int) (elements - first);
      int dstOffset = random.nextInt(5);
      float[] expected = new float[dstOffset + n];
      float[] actual = new float[dstOffset + n];
      SCALAR.decode(dtype, data, first, expected, dstOffset, n);
      VECTOR.decode(dtype, data, first, actual, dstOffset, n);
      assertThat(actual).as("%s n=%d first=%d", dtype, n, first).containsExactly(expected);
    }
  }

  @Test
  void scalarDecodeReadsLittleEndianBf16AsTheHighHalfOfAFloat() {
    MemorySegment data = MemorySegment.ofArray(new byte[] {(byte) 0xC0, 0x3F, 0x00, (byte) 0xC0});
    float[] out = new float[2];
    VECTOR.decode(DType.BF16, data, 0, out, 0, 2);
    assertThat(out).containsExactly(1.5f, -2.0f);
  }

  @RepeatedTest(20)
  void dotMatchesScalar() {
    int n = 1 + random.nextInt(600);
    int aOffset = random.nextInt(9);
    int bOffset = random.nextInt(9);
    float[] a = randomFloats(aOffset + n);
    float[] b = randomFloats(bOffset + n);
    float expected = SCALAR.dot(a, aOffset, b, bOffset, n);
    assertThat(VECTOR.dot(a, aOffset, b, bOffset, n)).isCloseTo(expected, within(n));
  }

  @ParameterizedTest
  @EnumSource(
      value = DType.class,
      names = {"BF16", "F16", "F32"})
  void matmulBlockMatchesScalarForEveryRowCount(DType dtype) {
    for (int trial = 0; trial < 40; trial++) {
      int n = 1 + random.nextInt(200);
      int outDim = 1 + random.nextInt(21); // up to three scratch blocks
      int rows = 1 + random.nextInt(11);
      int from = random.nextInt(outDim);
      int to = from + 1 + random.nextInt(outDim - from);
      MemorySegment w = randomStorage(dtype, outDim * n, random.nextInt(3));
      float[] x = randomFloats(rows * n);
      float[] expected = new float[rows * outDim];
      float[] actual = new float[rows * outDim];
      SCALAR.matmulBlock(
          dtype, w, n, from, to, x, rows, expected, outDim, new float[Kernels.SCRATCH_ROWS * n]);
      VECTOR.matmulBlock(
          dtype, w, n, from, to, x, rows, actual, outDim, new float[Kernels.SCRATCH_ROWS * n]);
      for (int i = 0; i < expected.length; i++) {
        // Relative to the magnitude of the terms: weights are ~N(0, 9), inputs in [-1, 1].
        assertThat(actual[i])
            .as("%s n=%d rows=%d block [%d, %d) index %d", dtype, n, rows, from, to, i)
            .isCloseTo(expected[i], org.assertj.core.data.Offset.offset(3e-5f * n + 1e-5f));
      }
      for (int r = 0; r < rows; r++) {
        for (int j = 0; j < outDim; j++) {
          if (j < from || j >= to) {
            assertThat(actual[r * outDim + j]).as("outside the block").isZero();
          }
        }
      }
    }
  }

  @RepeatedTest(20)
  void axpyMatchesScalar() {
    int n = 1 + random.nextInt(300);
    int xOffset = random.nextInt(9);
    int yOffset = random.nextInt(9);
    float a = random.nextFloat() * 4 - 2;
    float[] x = randomFloats(xOffset + n);
    float[] expected = randomFloats(yOffset + n + 3);
    float[] actual = expected.clone();
    SCALAR.axpy(a, x, xOffset, expected, yOffset, n);
    VECTOR.axpy(a, x, xOffset, actual, yOffset, n);
    for (int i = 0; i < expected.length; i++) {
      assertThat(actual[i]).isCloseTo(expected[i], org.assertj.core.data.Offset.offset(1e-5f));
    }
  }

  @RepeatedTest(20)
  void sumOfSquaresMatchesScalar() {
    int n = 1 + random.nextInt(600);
    int offset = random.nextInt(9);
    float[] x = randomFloats(offset + n);
    float expected = SCALAR.sumOfSquares(x, offset, n);
    assertThat(VECTOR.sumOfSquares(x, offset, n)).isCloseTo(expected, within(n));
  }

  /** Summation order differs between the twins: allow a few ulps per term. */
  private static org.assertj.core.data.Offset<Float> within(int n) {
    return org.assertj.core.data.Offset.offset(1e-6f * n + 1e-6f);
  }

  private float[] randomFloats(int n) {
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[i] = random.nextFloat() * 2 - 1;
    }
    return out;
  }

  private MemorySegment randomStorage(DType dtype, int elements, int skew) {
    byte[] bytes = new byte[skew + elements * dtype.bytes()];
    MemorySegment all = MemorySegment.ofArray(bytes);
    MemorySegment data = all.asSlice(skew, (long) elements * dtype.bytes());
    for (int i = 0; i < elements; i++) {
      float f = (float) random.nextGaussian() * 3;
      switch (dtype) {
        case BF16 -> data.set(SHORT_LE, 2L * i, (short) (Float.floatToRawIntBits(f) >>> 16));
        case F16 -> data.set(SHORT_LE, 2L * i, Float.floatToFloat16(f));
        case F32 -> data.set(FLOAT_LE, 4L * i, f);
      }
    }
    return data;
  }

  private static final ValueLayout.OfShort SHORT_LE =
      ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  private static final ValueLayout.OfFloat FLOAT_LE =
      ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

  @Test
  void theAttentionExpIsWithin3e7OfMathExpAndTheSameInEveryLaneAndTheTail() {
    Random random = new Random(11);
    int n = 100_003;
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = i < 4 ? new float[] {0f, -0f, -87.29f, -1e-30f}[i] : -random.nextFloat() * 87.3f;
    }
    float[] e = x.clone();
    VectorKernels.expShifted(e, 0, n, 0f);
    double worst = 0;
    for (int i = 0; i < n; i++) {
      double exact = Math.exp(x[i]);
      worst = Math.max(worst, Math.abs(e[i] - exact) / exact);
      // the scalar tail's function, bit for bit, wherever the element falls
      assertThat(Float.floatToRawIntBits(VectorKernels.expOf(x[i])))
          .as("x = %s", x[i])
          .isEqualTo(Float.floatToRawIntBits(e[i]));
    }
    // measured 2.3e-7 over 2 M random x (AVX2, 8 lanes); Math.exp rounded to float alone: 6.0e-8
    assertThat(worst).isLessThan(3e-7);
    float[] shifted = {1f, 5f, Float.NEGATIVE_INFINITY, -100f};
    VectorKernels.expShifted(shifted, 0, shifted.length, 5f);
    assertThat(shifted).containsExactly((float) Math.exp(-4) * 0 + shifted[0], 1f, 0f, 0f);
    assertThat(shifted[0])
        .isCloseTo((float) Math.exp(-4), org.assertj.core.data.Offset.offset(1e-7f));
  }

  @Test
  void theSwigluExpCoversBothSignsWithin3e7AndEveryElementGetsTheTailsBits() {
    Random random = new Random(12);
    int lanes = VectorKernels.lanes();
    int n = lanes * 4096;
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] =
          i < 6
              ? new float[] {0f, -0f, 87.99f, -87.29f, 1e-30f, -1e-30f}[i]
              : -87.3f + random.nextFloat() * 175.3f;
    }
    double worst = 0;
    for (int from = 0; from < n; from += lanes) {
      float[] out = new float[lanes];
      VectorKernels.exp(jdk.incubator.vector.FloatVector.fromArray(VectorKernels.FLOATS, x, from))
          .intoArray(out, 0);
      for (int k = 0; k < lanes; k++) {
        double exact = Math.exp(x[from + k]);
        worst = Math.max(worst, Math.abs(out[k] - exact) / exact);
        assertThat(Float.floatToRawIntBits(VectorKernels.expOf(x[from + k])))
            .as("x = %s", x[from + k])
            .isEqualTo(Float.floatToRawIntBits(out[k]));
      }
    }
    assertThat(worst).isLessThan(3e-7);
    assertThat(VectorKernels.expOf(200f)).isEqualTo(VectorKernels.expOf(88f)).isFinite();
    assertThat(VectorKernels.expOf(-200f)).isZero();
    assertThat(VectorKernels.expOf(Float.NaN)).isNaN();

    // SwiGLU: a gate's result has the same bits whether it falls in a vector or the scalar tail
    // (it did not with lanewise(EXP), whose compiled stub differs from Math.exp by 1 ulp).
    float[] gate = new float[n + 3];
    float[] up = new float[n + 3];
    for (int i = 0; i < gate.length; i++) {
      gate[i] = (float) random.nextDouble(-100, 100);
      up[i] = (float) random.nextDouble(-2, 2);
    }
    float[] vector = gate.clone();
    new VectorKernels().swiglu(vector, up, 0, n);
    for (int i = 0; i < n; i += lanes - 1) {
      float[] one = {gate[i]};
      new VectorKernels().swiglu(one, new float[] {up[i]}, 0, 1); // a tail of one
      assertThat(Float.floatToRawIntBits(one[0]))
          .as("gate %s", gate[i])
          .isEqualTo(Float.floatToRawIntBits(vector[i]));
      double exact = gate[i] / (1 + Math.exp(-gate[i])) * up[i];
      assertThat((double) vector[i])
          .isCloseTo(exact, org.assertj.core.data.Offset.offset(1e-6 + Math.abs(exact) * 1e-6));
    }
  }
}
