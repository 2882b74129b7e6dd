package dev.inference.nemotron.pod.engine.cuda;

import jcuda.driver.CUdeviceptr;

/**
 * A weight matrix {@code [rows, columns]} (row-major, the checkpoint's layout) in device memory.
 *
 * @param data the device copy
 * @param format how its elements are stored
 * @param rows output features
 * @param columns input features
 */
record DeviceMatrix(CUdeviceptr data, Format format, int rows, int columns) {

  /** Element storage on the device. */
  enum Format {
    /** bfloat16, the checkpoints' own format: uploaded as is. */
    BF16(2),
    /** fp32: F32 tensors as is, F16 tensors widened (exactly) while staged. */
    F32(4);

    private final int bytes;

    Format(int bytes) {
      this.bytes = bytes;
    }

    int bytes() {
      return bytes;
    }
  }

  long bytes() {
    return (long) rows * columns * format.bytes();
  }
}
