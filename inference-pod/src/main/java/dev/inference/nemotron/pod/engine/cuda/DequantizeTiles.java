package dev.inference.nemotron.pod.engine.cuda;

/**
 * How the many-row path multiplies by a quantized matrix: rows of the matrix are dequantized, a
 * tile at a time, into a device buffer as two BF16 matrices hi + lo (the fp32 value {@code code *
 * scale} split exactly for int8/int4 with BF16 scales), and cuBLAS multiplies each tile by the BF16
 * halves of the activations. The tile is small enough to stay in the L2 cache of the GPUs the
 * operator schedules (40 MB on A100, 48 MB on L4, 50 MB on H100) between the dequantizing kernel
 * that writes it and the GEMMs that read it, so HBM sees the codes once, and large enough (8M
 * weights; 1 to 8 tiles per projection of the 8B) that each GEMM is thousands of outputs wide. Pure
 * arithmetic, unit-tested without a GPU.
 */
final class DequantizeTiles {
  /** The largest tile buffer: hi and lo BF16 halves, 4 bytes per weight. */
  static final long MAX_BUFFER_BYTES = 32L << 20;

  /** Device bytes per dequantized weight: a BF16 hi and a BF16 lo. */
  static final int BYTES_PER_WEIGHT = 4;

  private DequantizeTiles() {}

  /**
   * The buffer a model needs whose largest quantized matrix has {@code largestElements} weights:
   * the whole matrix when it fits in {@link #MAX_BUFFER_BYTES}, else that.
   */
  static long bufferBytes(long largestElements) {
    return Math.min(MAX_BUFFER_BYTES, largestElements * BYTES_PER_WEIGHT);
  }

  /**
   * Output rows per tile of an {@code [outFeatures, inFeatures]} matrix in a buffer of {@code
   * bufferBytes}: as many as fit, a multiple of 64 when more than 64 fit (aligned tiles for
   * cuBLAS), at most the matrix.
   *
   * @throws IllegalArgumentException when not even one row fits
   */
  static int tileRows(int outFeatures, int inFeatures, long bufferBytes) {
    long fit = bufferBytes / ((long) inFeatures * BYTES_PER_WEIGHT);
    if (fit < 1) {
      throw new IllegalArgumentException(
          "a dequantization buffer of "
              + bufferBytes
              + " bytes cannot hold one row of "
              + inFeatures
              + " inputs");
    }
    if (fit >= outFeatures) {
      return outFeatures;
    }
    return (int) (fit >= 64 ? fit / 64 * 64 : fit);
  }

  /** Tiles (dequantize + GEMMs rounds) an {@code [outFeatures, inFeatures]} matrix takes. */
  static int tiles(int outFeatures, int inFeatures, long bufferBytes) {
    return (int)
        LaunchGeometry.ceilDiv(outFeatures, tileRows(outFeatures, inFeatures, bufferBytes));
  }
}
