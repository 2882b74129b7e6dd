package dev.inference.nemotron.pod.model;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** Storage formats of checkpoint tensors (safetensors dtype names). Data is little-endian. */
public enum DType {
  BF16(2),
  F16(2),
  F32(4);

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
    };
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
    }
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
      default ->
          throw new IllegalArgumentException(
              "unsupported dtype " + name + " (supported: BF16, F16, F32)");
    };
  }
}
