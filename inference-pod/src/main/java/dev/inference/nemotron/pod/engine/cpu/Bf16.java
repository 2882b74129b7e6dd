package dev.inference.nemotron.pod.engine.cpu;

/** BF16 (the upper half of an IEEE float) to and from float, for the BF16 KV cache. */
final class Bf16 {
  private Bf16() {}

  static float toFloat(short bits) {
    return Float.intBitsToFloat(bits << 16);
  }

  /** Rounds to the nearest BF16, ties to even; NaN stays NaN. */
  static short fromFloat(float value) {
    int bits = Float.floatToRawIntBits(value);
    if (Float.isNaN(value)) {
      return (short) ((bits >>> 16) | 0x40);
    }
    int rounding = 0x7FFF + ((bits >>> 16) & 1);
    return (short) ((bits + rounding) >>> 16);
  }
}
