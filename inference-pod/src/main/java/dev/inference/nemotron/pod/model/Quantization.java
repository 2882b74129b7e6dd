package dev.inference.nemotron.pod.model;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Objects;

/**
 * How a quantized tensor's codes become values: {@code value(j, c) = code(j, c) * scale[j *
 * scaleRowStride + c / blockSize]}.
 *
 * <p>{@link #scale} reads a copy of the scales made on the heap once, at construction, in their
 * stored dtype ({@link #scales()} stays the tensor as given, for writers): they are 1/16 of an int8
 * weight's bytes (80 MB for the 1.5B shape), and the kernels read them once per block of codes.
 * Read through the mapped file instead, every scale went through a memory segment's long bounds
 * check inside the kernels' per-row scale loop, and C2 speculated on that check with a profile
 * predicate that failed, recompiled and failed again about a hundred times (JFR {@code
 * jdk.Deoptimization}: reason {@code profile_predicate}, 100 times in {@code
 * VectorQuantizedKernels.fusedDot}'s scale loop) before giving up. Between the recompilations the
 * kernel ran in C1 or the interpreter, where every Vector API call allocates: that was ~6 s of the
 * first forward of a pre-quantized 1.5B checkpoint. A plain array index has no such check.
 */
public final class Quantization {
  private final QuantFormat format;
  private final int blockSize;
  private final int scaleRowStride;
  private final Tensor scales;
  // Exactly one of the two holds the scales: the 16-bit patterns as stored (BF16 or F16; half the
  // heap of widened floats), or F32 values.
  private final short[] halfScales;
  private final float[] floatScales;
  private final boolean bf16;

  /**
   * @param format the code format
   * @param blockSize inputs sharing one scale: the block (int8, int4) or the whole row (fp8)
   * @param scaleRowStride scales per row: {@code in / blockSize}, or 0 for one scale for the whole
   *     tensor (fp8 per-tensor)
   * @param scales the scales, any float dtype, flat; read once here (later writes to its storage
   *     are not seen)
   */
  public Quantization(QuantFormat format, int blockSize, int scaleRowStride, Tensor scales) {
    Objects.requireNonNull(format, "format");
    if (blockSize <= 0 || scaleRowStride < 0) {
      throw new IllegalArgumentException(
          "block size " + blockSize + " / scale stride " + scaleRowStride);
    }
    if (!scales.dtype().isFloat()) {
      throw new IllegalArgumentException(
          "scales " + scales.name() + " must be BF16, F16 or F32, not " + scales.dtype());
    }
    long count = scales.elementCount();
    if (count > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(
          "scales " + scales.name() + " has " + count + " elements, more than an array holds");
    }
    this.format = format;
    this.blockSize = blockSize;
    this.scaleRowStride = scaleRowStride;
    // One bulk copy (a memcpy), no per-element segment access.
    MemorySegment stored = scales.data();
    if (scales.dtype() == DType.F32) {
      floatScales = new float[(int) count];
      halfScales = null;
      MemorySegment.copy(stored, DType.FLOAT_LE, 0, floatScales, 0, floatScales.length);
    } else {
      halfScales = new short[(int) count];
      floatScales = null;
      MemorySegment.copy(stored, DType.SHORT_LE, 0, halfScales, 0, halfScales.length);
    }
    this.bf16 = scales.dtype() == DType.BF16;
    this.scales = scales;
  }

  /** The code format. */
  public QuantFormat format() {
    return format;
  }

  /** Inputs sharing one scale: the block (int8, int4) or the whole row (fp8). */
  public int blockSize() {
    return blockSize;
  }

  /** Scales per row: {@code in / blockSize}, or 0 for one scale for the whole tensor. */
  public int scaleRowStride() {
    return scaleRowStride;
  }

  /** The scales tensor as given (its storage is not read again after construction). */
  public Tensor scales() {
    return scales;
  }

  /** The scale of weight row {@code row}, input block {@code block}. */
  public float scale(int row, int block) {
    int i = row * scaleRowStride + block;
    if (floatScales != null) {
      return floatScales[i];
    }
    short bits = halfScales[i];
    return bf16 ? Float.intBitsToFloat(bits << 16) : Float.float16ToFloat(bits);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Quantization q
        && format == q.format
        && blockSize == q.blockSize
        && scaleRowStride == q.scaleRowStride
        && scales.dtype() == q.scales.dtype()
        && Arrays.equals(halfScales, q.halfScales)
        && Arrays.equals(floatScales, q.floatScales);
  }

  @Override
  public int hashCode() {
    return Objects.hash(format, blockSize, scaleRowStride, scales.dtype());
  }

  @Override
  public String toString() {
    return "Quantization["
        + format
        + ", block "
        + blockSize
        + ", "
        + scaleRowStride
        + " scales per row, "
        + scales
        + "]";
  }
}
