package dev.inference.nemotron.pod.model;

/**
 * How a quantized tensor's codes become values: {@code value(j, c) = code(j, c) * scale[j *
 * scaleRowStride + c / blockSize]}.
 *
 * @param format the code format
 * @param blockSize inputs sharing one scale: the block (int8, int4) or the whole row (fp8)
 * @param scaleRowStride scales per row: {@code in / blockSize}, or 0 for one scale for the whole
 *     tensor (fp8 per-tensor)
 * @param scales the scales, any float dtype, flat
 */
public record Quantization(QuantFormat format, int blockSize, int scaleRowStride, Tensor scales) {
  public Quantization {
    if (blockSize <= 0 || scaleRowStride < 0) {
      throw new IllegalArgumentException(
          "block size " + blockSize + " / scale stride " + scaleRowStride);
    }
    if (!scales.dtype().isFloat()) {
      throw new IllegalArgumentException(
          "scales " + scales.name() + " must be BF16, F16 or F32, not " + scales.dtype());
    }
  }

  /** The scale of weight row {@code row}, input block {@code block}. */
  public float scale(int row, int block) {
    return scales.get((long) row * scaleRowStride + block);
  }
}
