package dev.inference.nemotron.operator.sizing;

import java.util.Arrays;
import java.util.Optional;

/**
 * How the runtime stores weight matrices on the device ({@code spec.quantization}).
 *
 * <p>Quantized formats are blockwise and symmetric: every block of consecutive weights in a row
 * shares one bf16 scale. int8 and int4 use blocks of 32 (as llama.cpp's Q8_0/Q4_0), fp8 blocks of
 * 128 (as the DeepSeek-V3 style block scaling); the scales are part of the memory bill.
 */
public enum WeightFormat {
  BF16("bf16", 16, 0),
  FP8("fp8", 8, 128),
  INT8("int8", 8, 32),
  INT4("int4", 4, 32);

  private static final int SCALE_BITS = 16;

  private final String specName;
  private final int bitsPerWeight;
  private final int scaleBlock;

  WeightFormat(String specName, int bitsPerWeight, int scaleBlock) {
    this.specName = specName;
    this.bitsPerWeight = bitsPerWeight;
    this.scaleBlock = scaleBlock;
  }

  /** The spelling used in {@code spec.quantization}, e.g. {@code int4}. */
  public String specName() {
    return specName;
  }

  /** Bytes taken by {@code parameters} weights in this format, scales included. */
  public long bytesFor(long parameters) {
    long bits = parameters * bitsPerWeight;
    if (scaleBlock > 0) {
      bits += Math.ceilDiv(parameters, scaleBlock) * SCALE_BITS;
    }
    return Math.ceilDiv(bits, 8);
  }

  /** Whether the format needs FP8 hardware (other formats are decoded by our own kernels). */
  public boolean needsFp8Hardware() {
    return this == FP8;
  }

  /** Parses a {@code spec.quantization} value (case-insensitive). */
  public static Optional<WeightFormat> fromSpecName(String name) {
    return Arrays.stream(values()).filter(f -> f.specName.equalsIgnoreCase(name)).findFirst();
  }
}
