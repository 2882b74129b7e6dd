package dev.inference.nemotron.pod.model;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.stream.IntStream;

/**
 * Quantizes a float weight {@code [out, in]} into one of the {@link QuantFormat}s
 * (WEIGHT-FORMATS.md says how): at load when the runtime is asked for a quantized format, and in
 * {@code ndd quantize}. Rows are quantized in parallel; the result lives in {@code arena}.
 */
public final class WeightQuantizer {
  /** The block sizes the int formats accept (the vector kernels need lanes to divide a block). */
  public static final int[] BLOCK_SIZES = {32, 64};

  /** The block size used unless asked otherwise. */
  public static final int DEFAULT_BLOCK_SIZE = 32;

  private WeightQuantizer() {}

  /** The name of the scale tensor of weight {@code weightName} ({@code ...weight_scale}). */
  public static String scaleName(String weightName) {
    return weightName + "_scale";
  }

  /** Whether {@code blockSize} is one the int formats accept. */
  public static boolean validBlockSize(int blockSize) {
    return blockSize == 32 || blockSize == 64;
  }

  /**
   * {@code src} quantized to {@code format}. For int8/int4 {@code in} must be a multiple of {@code
   * blockSize} (32 or 64); fp8 ignores the block size and scales per output channel.
   */
  public static Tensor quantize(Tensor src, QuantFormat format, int blockSize, Arena arena) {
    if (src.isQuantized()) {
      throw new IllegalArgumentException(src + " is already quantized");
    }
    int out = src.rows();
    int in = src.columns();
    if (format.blockwise()) {
      if (!validBlockSize(blockSize)) {
        throw new IllegalArgumentException("block size must be 32 or 64, got " + blockSize);
      }
      if (in % blockSize != 0) {
        throw new IllegalArgumentException(
            src
                + ": input width "
                + in
                + " is not a multiple of the block size "
                + blockSize
                + " ("
                + format.id()
                + " needs whole blocks)");
      }
    }
    int block = format.blockwise() ? blockSize : in;
    int blocks = in / block;
    MemorySegment codes = arena.allocate(format.codeBytes(out, in), 64);
    DType scaleType = format.blockwise() ? DType.BF16 : DType.F32;
    long scaleCount = (long) out * blocks;
    MemorySegment scaleData = arena.allocate(scaleCount * scaleType.bytes(), 64);
    long[] scaleShape = format.blockwise() ? new long[] {out, blocks} : new long[] {out, 1};
    Tensor scales = new Tensor(scaleName(src.name()), scaleType, scaleShape, scaleData);
    IntStream.range(0, out)
        .parallel()
        .forEach(
            j -> {
              float[] row = new float[in];
              src.decode((long) j * in, row, 0, in);
              for (int b = 0; b < blocks; b++) {
                float scale = quantizeBlock(format, row, b * block, block, codes, j, in);
                scaleType.encode(scaleData, (long) j * blocks + b, scale);
              }
            });
    return new Tensor(
        src.name(), new long[] {out, in}, codes, new Quantization(format, block, blocks, scales));
  }

  /**
   * Quantizes {@code row[from, from + n)} of row {@code j} into {@code codes}; returns the scale as
   * stored (the codes are computed against the stored, rounded scale, so that code * scale is the
   * best value the format holds).
   */
  private static float quantizeBlock(
      QuantFormat format, float[] row, int from, int n, MemorySegment codes, int j, int in) {
    float amax = 0f;
    float extreme = 0f; // the signed value of largest magnitude
    for (int i = from; i < from + n; i++) {
      float a = Math.abs(row[i]);
      if (a > amax) {
        amax = a;
        extreme = row[i];
      }
    }
    switch (format) {
      case INT8 -> {
        float scale = bf16(amax / 127f);
        long base = (long) j * in;
        for (int i = from; i < from + n; i++) {
          int q = scale == 0f ? 0 : clamp(Math.round(row[i] / scale), -127, 127);
          codes.set(ValueLayout.JAVA_BYTE, base + i, (byte) q);
        }
        return scale;
      }
      case INT4 -> {
        // The extreme maps to -8 exactly: all 16 levels are used, none wasted on symmetry.
        float scale = bf16(extreme / -8f);
        int half = n / 2;
        long base = (long) j * (in / 2) + from / 2;
        for (int k = 0; k < half; k++) {
          int lo = int4(row[from + k], scale);
          int hi = int4(row[from + half + k], scale);
          codes.set(ValueLayout.JAVA_BYTE, base + k, (byte) ((lo + 8) | ((hi + 8) << 4)));
        }
        return scale;
      }
      case FP8 -> {
        float scale = amax == 0f ? 1f : amax / DType.E4M3_MAX;
        long base = (long) j * in;
        for (int i = from; i < from + n; i++) {
          codes.set(ValueLayout.JAVA_BYTE, base + i, DType.floatToE4m3(row[i] / scale));
        }
        return scale;
      }
    }
    throw new AssertionError(format);
  }

  private static int int4(float value, float scale) {
    return scale == 0f ? 0 : clamp(Math.round(value / scale), -8, 7);
  }

  private static int clamp(int v, int lo, int hi) {
    return Math.max(lo, Math.min(hi, v));
  }

  private static float bf16(float value) {
    return Float.intBitsToFloat(DType.bf16Bits(value) << 16);
  }
}
