package dev.inference.nemotron.pod.model;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Storage formats of checkpoint tensors (safetensors dtype names). Data is little-endian. The 8-bit
 * types hold the codes of quantized weights ({@link QuantFormat}): {@link #decode} gives the code's
 * own value (an integer, or the E4M3 number), before any scale is applied.
 */
public enum DType {
  BF16(2),
  F16(2),
  F32(4),
  /** Signed 8-bit integers: int8 weight codes. */
  I8(1),
  /** Unsigned bytes: two int4 weight codes per byte (see {@link QuantFormat#INT4}). */
  U8(1),
  /**
   * 8-bit float E4M3 ("FN": bias 7, no infinities, {@code S.1111.111} is NaN, subnormals), the
   * format of NVIDIA's FP8 checkpoints.
   */
  F8_E4M3(1);

  static final ValueLayout.OfShort SHORT_LE =
      ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  static final ValueLayout.OfFloat FLOAT_LE =
      ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

  private final int bytes;

  DType(int bytes) {
    this.bytes = bytes;
  }

  /** Bytes per element. */
  public int bytes() {
    return bytes;
  }

  /** Decodes element {@code index} of {@code data} to a float (the slow, scalar path). */
  public float decode(MemorySegment data, long index) {
    return switch (this) {
      case BF16 -> Float.intBitsToFloat(data.get(SHORT_LE, index * 2) << 16);
      case F16 -> Float.float16ToFloat(data.get(SHORT_LE, index * 2));
      case F32 -> data.get(FLOAT_LE, index * 4);
      case I8 -> data.get(ValueLayout.JAVA_BYTE, index);
      case U8 -> data.get(ValueLayout.JAVA_BYTE, index) & 0xFF;
      case F8_E4M3 -> e4m3ToFloat(data.get(ValueLayout.JAVA_BYTE, index));
    };
  }

  /**
   * The exact value of E4M3 code {@code code}: {@code (-1)^S * 2^(E-7) * (1 + M/8)} for E &gt; 0,
   * {@code (-1)^S * 2^-6 * M/8} for E = 0; {@code S.1111.111} is NaN (there are no infinities).
   */
  public static float e4m3ToFloat(byte code) {
    int bits = code & 0xFF;
    int magnitude = bits & 0x7F;
    float sign = (bits & 0x80) != 0 ? -1f : 1f;
    if (magnitude == 0x7F) {
      return Float.NaN;
    }
    int exponent = magnitude >>> 3;
    int mantissa = magnitude & 7;
    if (exponent == 0) {
      return sign * mantissa * 0x1p-9f;
    }
    return sign * Math.scalb(1f + mantissa / 8f, exponent - 7);
  }

  /** The largest finite E4M3 value, 448 ({@code 0.1111.110}). */
  public static final float E4M3_MAX = 448f;

  /**
   * The E4M3 code nearest to {@code value} (ties to an even mantissa), saturating to ±448 beyond
   * the range, as NVIDIA's quantizers do; NaN becomes the NaN code.
   */
  public static byte floatToE4m3(float value) {
    if (Float.isNaN(value)) {
      return (byte) 0x7F;
    }
    int sign = (Float.floatToRawIntBits(value) >>> 24) & 0x80;
    float a = Math.abs(value);
    if (a >= E4M3_MAX) {
      return (byte) (sign | 0x7E);
    }
    // Finite non-negative codes 0x00..0x7E are ordered like their values: binary search.
    int lo = 0;
    int hi = 0x7E;
    while (hi - lo > 1) {
      int mid = (lo + hi) >>> 1;
      if (e4m3ToFloat((byte) mid) <= a) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    float below = e4m3ToFloat((byte) lo);
    float above = e4m3ToFloat((byte) hi);
    int code;
    if (a - below < above - a) {
      code = lo;
    } else if (a - below > above - a) {
      code = hi;
    } else {
      code = (lo & 1) == 0 ? lo : hi;
    }
    return (byte) (sign | code);
  }

  /**
   * Stores {@code value} as element {@code index} of {@code data}, rounding to the nearest
   * representable value (ties to even) for the 16-bit formats.
   */
  public void encode(MemorySegment data, long index, float value) {
    switch (this) {
      case BF16 -> data.set(SHORT_LE, index * 2, bf16Bits(value));
      case F16 -> data.set(SHORT_LE, index * 2, Float.floatToFloat16(value));
      case F32 -> data.set(FLOAT_LE, index * 4, value);
      case I8 -> data.set(ValueLayout.JAVA_BYTE, index, (byte) Math.round(value));
      case U8 -> data.set(ValueLayout.JAVA_BYTE, index, (byte) Math.round(value));
      case F8_E4M3 -> data.set(ValueLayout.JAVA_BYTE, index, floatToE4m3(value));
    }
  }

  /** Whether this is a floating-point format a plain (unquantized) weight may be stored in. */
  public boolean isFloat() {
    return this == BF16 || this == F16 || this == F32;
  }

  /**
   * The bfloat16 bits nearest to {@code value}, ties to even (what PyTorch's {@code
   * .to(torch.bfloat16)} does); NaN stays a quiet NaN of the same sign.
   */
  public static short bf16Bits(float value) {
    int bits = Float.floatToRawIntBits(value);
    if (Float.isNaN(value)) {
      return (short) ((bits >>> 16) | 0x0040);
    }
    int roundingBias = 0x7FFF + ((bits >>> 16) & 1);
    return (short) ((bits + roundingBias) >>> 16);
  }

  /** Parses a safetensors dtype name; a clear error for the ones we do not read. */
  public static DType fromSafetensors(String name) {
    return switch (name) {
      case "BF16" -> BF16;
      case "F16" -> F16;
      case "F32" -> F32;
      case "I8" -> I8;
      case "U8" -> U8;
      case "F8_E4M3" -> F8_E4M3;
      default ->
          throw new IllegalArgumentException(
              "unsupported dtype " + name + " (supported: BF16, F16, F32, I8, U8, F8_E4M3)");
    };
  }
}
