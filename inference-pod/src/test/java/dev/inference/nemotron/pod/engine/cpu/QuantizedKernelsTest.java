package dev.inference.nemotron.pod.engine.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.inference.nemotron.pod.model.DType;
import dev.inference.nemotron.pod.model.QuantFormat;
import dev.inference.nemotron.pod.model.Quantization;
import dev.inference.nemotron.pod.model.Tensor;
import dev.inference.nemotron.pod.model.WeightQuantizer;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The quantized matmul kernels: vector against the scalar reference on random shapes, row ranges,
 * input counts and unaligned storage; the one-row (fused) path bit for bit equal to the many-row
 * path; and the scalar reference against a double-precision product of the dequantized weights.
 */
class QuantizedKernelsTest {
  private static final QuantizedKernels SCALAR = new ScalarQuantizedKernels();
  private static final QuantizedKernels VECTOR = new VectorQuantizedKernels();
  private final Random random = new Random(7);

  @ParameterizedTest
  @EnumSource(QuantFormat.class)
  void vectorMatmulMatchesScalarAndOneRowEqualsManyRows(QuantFormat format) {
    for (int trial = 0; trial < 60; trial++) {
      Tensor w = randomWeight(format);
      int out = w.rows();
      int n = w.columns();
      int rows = 1 + random.nextInt(9);
      int from = random.nextInt(out);
      int to = from + 1 + random.nextInt(out - from);
      float[] x = new float[rows * n];
      for (int i = 0; i < x.length; i++) {
        x[i] = (float) random.nextGaussian();
      }
      float[] scratch = new float[Kernels.SCRATCH_ROWS * n];
      float[] expected = new float[rows * out];
      float[] actual = new float[rows * out];
      SCALAR.matmulBlock(w, from, to, x, rows, expected, out, scratch);
      VECTOR.matmulBlock(w, from, to, x, rows, actual, out, scratch);
      for (int r = 0; r < rows; r++) {
        float[] single = new float[out];
        float[] xr = java.util.Arrays.copyOfRange(x, r * n, (r + 1) * n);
        VECTOR.matmulBlock(w, from, to, xr, 1, single, out, scratch);
        for (int j = from; j < to; j++) {
          double reference = 0;
          double magnitude = 0;
          for (int c = 0; c < n; c++) {
            double term = (double) w.get((long) j * n + c) * xr[c];
            reference += term;
            magnitude += Math.abs(term);
          }
          float tolerance = (float) (1e-5 * magnitude + 1e-6);
          String what =
              "%s %s row %d of [%d, %d], input row %d".formatted(format, w, j, from, to, r);
          assertThat(expected[r * out + j])
              .as(what)
              .isCloseTo((float) reference, within(tolerance));
          assertThat(actual[r * out + j])
              .as(what)
              .isCloseTo(expected[r * out + j], within(tolerance));
          assertThat(single[j]).as("one row alone: " + what).isEqualTo(actual[r * out + j]);
        }
      }
    }
  }

  @ParameterizedTest
  @EnumSource(QuantFormat.class)
  void vectorDequantizeEqualsScalarBitForBit(QuantFormat format) {
    for (int trial = 0; trial < 40; trial++) {
      Tensor w = randomWeight(format);
      int n = w.columns();
      int row = random.nextInt(w.rows());
      int offset = random.nextInt(5);
      float[] expected = new float[offset + n];
      float[] actual = new float[offset + n];
      SCALAR.dequantizeRow(w, row, expected, offset);
      VECTOR.dequantizeRow(w, row, actual, offset);
      assertThat(actual).as("%s row %d", w, row).containsExactly(expected);
      for (int c = 0; c < n; c++) {
        assertThat(expected[offset + c]).isEqualTo(w.get((long) row * n + c));
      }
    }
  }

  @Test
  void everyE4m3CodeDecodesExactlyInBothKernels() {
    // One row holding all 256 codes, per-tensor scale 1: the kernels' decode is the code's value.
    MemorySegment codes = MemorySegment.ofArray(new byte[257]).asSlice(1);
    for (int i = 0; i < 256; i++) {
      codes.set(ValueLayout.JAVA_BYTE, i, (byte) i);
    }
    Tensor scale = Tensor.ofFloats("s", new float[] {1f}, 1);
    Tensor w =
        new Tensor(
            "all", new long[] {1, 256}, codes, new Quantization(QuantFormat.FP8, 256, 0, scale));
    float[] scalar = new float[256];
    float[] vector = new float[256];
    SCALAR.dequantizeRow(w, 0, scalar, 0);
    VECTOR.dequantizeRow(w, 0, vector, 0);
    for (int i = 0; i < 256; i++) {
      float expected = DType.e4m3ToFloat((byte) i);
      assertThat(Float.floatToRawIntBits(vector[i]))
          .as("code 0x%02X", i)
          .isEqualTo(Float.floatToRawIntBits(expected));
      assertThat(Float.floatToRawIntBits(scalar[i])).isEqualTo(Float.floatToRawIntBits(expected));
    }
    assertThat(DType.e4m3ToFloat((byte) 0x7E)).isEqualTo(448f);
    assertThat(DType.e4m3ToFloat((byte) 0x38)).isEqualTo(1f);
    assertThat(DType.e4m3ToFloat((byte) 0x08)).isEqualTo(0x1p-6f); // smallest normal
    assertThat(DType.e4m3ToFloat((byte) 0x07)).isEqualTo(7 * 0x1p-9f); // largest subnormal
    assertThat(DType.e4m3ToFloat((byte) 0x01)).isEqualTo(0x1p-9f);
    assertThat(DType.e4m3ToFloat((byte) 0xC4)).isEqualTo(-3f);
    assertThat(DType.e4m3ToFloat((byte) 0x7F)).isNaN();
    assertThat(DType.e4m3ToFloat((byte) 0xFF)).isNaN();
    assertThat(Float.floatToRawIntBits(DType.e4m3ToFloat((byte) 0x80))).isEqualTo(0x8000_0000);
  }

  @Test
  void e4m3EncodeRoundsToNearestEvenAndSaturates() {
    for (int code = 0; code < 0x7F; code++) {
      float v = DType.e4m3ToFloat((byte) code);
      assertThat(DType.floatToE4m3(v)).as("code %d", code).isEqualTo((byte) code);
      assertThat(DType.floatToE4m3(-v)).isEqualTo((byte) (code | 0x80));
    }
    // 1.0625 lies halfway between 1 (mantissa 0, even) and 1.125 (mantissa 1): ties to even.
    assertThat(DType.e4m3ToFloat(DType.floatToE4m3(1.0625f))).isEqualTo(1f);
    assertThat(DType.e4m3ToFloat(DType.floatToE4m3(1.1875f))).isEqualTo(1.25f);
    assertThat(DType.e4m3ToFloat(DType.floatToE4m3(1e6f))).isEqualTo(448f);
    assertThat(DType.e4m3ToFloat(DType.floatToE4m3(-1e6f))).isEqualTo(-448f);
    assertThat(DType.floatToE4m3(Float.NaN)).isEqualTo((byte) 0x7F);
  }

  @ParameterizedTest
  @EnumSource(QuantFormat.class)
  void quantizationErrorStaysWithinHalfAStep(QuantFormat format) {
    for (int trial = 0; trial < 20; trial++) {
      int out = 1 + random.nextInt(6);
      int block = random.nextBoolean() ? 32 : 64;
      int in = block * (1 + random.nextInt(4));
      float[] values = gaussian(out * in);
      Tensor w;
      try (Arena arena = Arena.ofShared()) {
        w = WeightQuantizer.quantize(Tensor.ofFloats("w", values, out, in), format, block, arena);
        Quantization q = w.quantization();
        for (int j = 0; j < out; j++) {
          for (int c = 0; c < in; c++) {
            float value = values[j * in + c];
            float stored = w.get((long) j * in + c);
            float scale = Math.abs(q.scale(j, c / q.blockSize()));
            float bound =
                format == QuantFormat.FP8
                    ? Math.max(Math.abs(value) * 0x1p-4f, scale * 0x1p-10f) * 1.001f
                    : format == QuantFormat.INT4 && Math.abs(value) > 7.5f * scale
                        // The block's extreme maps to -8: beyond +7 steps, the opposite sign
                        // clamps.
                        ? (Math.abs(value) - 7 * scale) * 1.001f
                        : scale * 0.5f * 1.001f;
            assertThat(Math.abs(stored - value))
                .as("%s [%d, %d] of %s", format, j, c, w)
                .isLessThanOrEqualTo(bound);
          }
        }
      }
    }
  }

  /**
   * A random quantized weight whose codes and scales sit at odd byte offsets (mapped safetensors
   * data need not be aligned); fp8 widths are arbitrary, so the scalar tail runs.
   */
  private Tensor randomWeight(QuantFormat format) {
    int out = 1 + random.nextInt(20);
    int block = random.nextBoolean() ? 32 : 64;
    int in = format.blockwise() ? block * (1 + random.nextInt(6)) : 1 + random.nextInt(300);
    float[] values = gaussian(out * in);
    Tensor aligned =
        WeightQuantizer.quantize(
            Tensor.ofFloats("w", values, out, in), format, block, Arena.ofAuto());
    Quantization q = aligned.quantization();
    Tensor scales = q.scales();
    boolean perTensor = format == QuantFormat.FP8 && random.nextBoolean();
    Tensor movedScales =
        perTensor
            ? new Tensor(
                scales.name(), DType.F32, new long[] {}, skewed(scales.data().asSlice(0, 4)))
            : new Tensor(scales.name(), scales.dtype(), scales.shape(), skewed(scales.data()));
    return new Tensor(
        "w",
        new long[] {out, in},
        skewed(aligned.data()),
        new Quantization(format, q.blockSize(), perTensor ? 0 : q.scaleRowStride(), movedScales));
  }

  private MemorySegment skewed(MemorySegment source) {
    int skew = 1 + random.nextInt(7);
    MemorySegment copy =
        MemorySegment.ofArray(new byte[(int) source.byteSize() + skew])
            .asSlice(skew, source.byteSize());
    copy.copyFrom(source);
    return copy;
  }

  private float[] gaussian(int n) {
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[i] = (float) (random.nextGaussian() * 0.05);
    }
    return out;
  }

  private static org.assertj.core.data.Offset<Float> within(float tolerance) {
    return org.assertj.core.data.Offset.offset(tolerance);
  }
}
