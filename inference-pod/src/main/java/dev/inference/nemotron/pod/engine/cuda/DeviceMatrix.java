package dev.inference.nemotron.pod.engine.cuda;

import dev.inference.nemotron.pod.model.DType;
import dev.inference.nemotron.pod.model.Quantization;
import dev.inference.nemotron.pod.model.Tensor;
import jcuda.driver.CUdeviceptr;

/**
 * A weight matrix {@code [rows, columns]} (row-major, the checkpoint's layout) in device memory:
 * its elements, or for a quantized matrix its codes and scales exactly as the CPU engine reads them
 * (WEIGHT-FORMATS.md).
 *
 * @param data the device copy of the elements or codes
 * @param format how they are stored
 * @param rows output features
 * @param columns input features
 * @param scales the scales of a quantized matrix, null otherwise
 */
record DeviceMatrix(CUdeviceptr data, Format format, int rows, int columns, Scales scales) {

  /** A plain (BF16 or F32) matrix. */
  DeviceMatrix(CUdeviceptr data, Format format, int rows, int columns) {
    this(data, format, rows, columns, null);
  }

  DeviceMatrix {
    if (format.quantized() != (scales != null)) {
      throw new IllegalArgumentException(
          "a " + format + " matrix " + (format.quantized() ? "needs" : "takes no") + " scales");
    }
  }

  /** Element storage on the device. */
  enum Format {
    /** bfloat16, the checkpoints' own format: uploaded as is. */
    BF16(0),
    /** fp32: F32 tensors as is, F16 tensors widened (exactly) while staged. */
    F32(0),
    /** int8 codes with blockwise scales (format 1 of ndd_dequantize_split). */
    INT8(1),
    /** int4 nibbles, the CPU's packing, with blockwise scales (format 2). */
    INT4(2),
    /** E4M3 codes with per-channel or per-tensor scales (format 3). */
    FP8(3);

    private final int kernelCode;

    Format(int kernelCode) {
      this.kernelCode = kernelCode;
    }

    boolean quantized() {
      return kernelCode != 0;
    }

    /** The {@code format} argument of {@code ndd_dequantize_split}. */
    int kernelCode() {
      return kernelCode;
    }

    /** Device bytes of the elements or codes of a {@code [rows, columns]} matrix. */
    long bytes(long rows, long columns) {
      return switch (this) {
        case BF16 -> rows * columns * 2;
        case F32 -> rows * columns * 4;
        case INT8, FP8 -> rows * columns;
        case INT4 -> rows * (columns / 2);
      };
    }
  }

  /**
   * How the scales are stored: the kernels' {@code scaleType} (NDD_SCALE_F32, _BF16, _F16 in
   * gemv.cu).
   */
  enum ScaleType {
    F32(0, 4),
    BF16(1, 2),
    F16(2, 2);

    private final int kernelCode;
    private final int bytes;

    ScaleType(int kernelCode, int bytes) {
      this.kernelCode = kernelCode;
      this.bytes = bytes;
    }

    int kernelCode() {
      return kernelCode;
    }

    int bytes() {
      return bytes;
    }

    static ScaleType of(DType dtype) {
      return switch (dtype) {
        case F32 -> F32;
        case BF16 -> BF16;
        case F16 -> F16;
        default -> throw new IllegalArgumentException("scales cannot be " + dtype);
      };
    }
  }

  /**
   * A quantized matrix's scales: {@code scale(j, c) = data[j * rowStride + c / blockSize]}.
   *
   * @param data the device copy, as stored
   * @param type its element type
   * @param blockSize inputs per scale (int8/int4: 32 or 64; fp8: the whole row)
   * @param rowStride scales per row ({@code columns / blockSize}; fp8: 1 per channel, 0 per tensor)
   * @param count scales stored
   */
  record Scales(CUdeviceptr data, ScaleType type, int blockSize, int rowStride, long count) {
    long bytes() {
      return count * type.bytes();
    }
  }

  /** The device format of a tensor: BF16 as is, F16/F32 as fp32, quantized as its codes. */
  static Format formatOf(Tensor t) {
    if (t.isQuantized()) {
      return switch (t.quantization().format()) {
        case INT8 -> Format.INT8;
        case INT4 -> Format.INT4;
        case FP8 -> Format.FP8;
      };
    }
    return t.dtype() == DType.BF16 ? Format.BF16 : Format.F32;
  }

  /** Device bytes a 2-D tensor takes once uploaded: elements or codes, plus scales as stored. */
  static long deviceBytes(Tensor t) {
    Format format = formatOf(t);
    long bytes = format.bytes(t.dim(0), t.dim(1));
    if (t.isQuantized()) {
      Quantization q = t.quantization();
      bytes += q.scales().elementCount() * ScaleType.of(q.scales().dtype()).bytes();
    }
    return bytes;
  }

  /** Device bytes of the elements or codes plus the scales. */
  long bytes() {
    return format.bytes(rows, columns) + (scales == null ? 0 : scales.bytes());
  }

  boolean quantized() {
    return scales != null;
  }
}
