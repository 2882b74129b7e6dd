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
