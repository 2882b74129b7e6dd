package dev.inference.nemotron.pod.model;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * A named tensor in its storage format, usually a slice of a memory-mapped safetensors file (never
 * copied onto the heap). Row-major; for a 2-D weight {@code [out, in]}, row r is the r-th output's
 * input weights.
 *
 * <p>A quantized weight ({@link #quantization()} present) has the logical shape {@code [out, in]}
 * of the values it stands for; {@link #data()} holds its codes in {@link QuantFormat#codes()} and
 * the quantization holds the scales.
 */
public final class Tensor {
  private final String name;
  private final DType dtype;
  private final long[] shape;
  private final MemorySegment data;
  private final Quantization quantization;

  public Tensor(String name, DType dtype, long[] shape, MemorySegment data) {
    this(name, dtype, shape, data, null);
  }

  /**
   * A quantized 2-D weight: {@code shape} is the logical {@code [out, in]}, {@code codes} the
   * stored codes ({@link QuantFormat#codeBytes} long).
   */
  public Tensor(String name, long[] shape, MemorySegment codes, Quantization quantization) {
    this(name, quantization.format().codes(), shape, codes, quantization);
  }

  private Tensor(
      String name, DType dtype, long[] shape, MemorySegment data, Quantization quantization) {
    this.name = name;
    this.dtype = dtype;
    this.shape = shape.clone();
    this.data = data;
    this.quantization = quantization;
    if (quantization != null && shape.length != 2) {
      throw new IllegalArgumentException(
          "quantized tensor " + name + " must be 2-D, has shape " + Arrays.toString(shape));
    }
    long expected =
        quantization == null
            ? elementCount() * dtype.bytes()
            : quantization.format().codeBytes(shape[0], shape[1]);
    if (data.byteSize() != expected) {
      throw new IllegalArgumentException(
          "tensor "
              + name
              + " "
              + dtype
              + Arrays.toString(shape)
              + " needs "
              + expected
              + " bytes, data has "
              + data.byteSize());
    }
  }

  /** An F32 tensor over a heap array (tests and generated weights). */
  public static Tensor ofFloats(String name, float[] values, long... shape) {
    return new Tensor(name, DType.F32, shape, MemorySegment.ofArray(values));
  }

  public String name() {
    return name;
  }

  /** The storage format of {@link #data()}: the codes' dtype for a quantized tensor. */
  public DType dtype() {
    return dtype;
  }

  /** How the codes become values, for a quantized tensor; null for a plain one. */
  public Quantization quantization() {
    return quantization;
  }

  public boolean isQuantized() {
    return quantization != null;
  }

  /** Bytes a read of the whole tensor streams: the data plus, when quantized, the scales. */
  public long storedBytes() {
    return data.byteSize() + (quantization == null ? 0 : quantization.scales().data().byteSize());
  }

  /** A copy of the shape. */
  public long[] shape() {
    return shape.clone();
  }

  /**
   * The raw bytes, little-endian, {@code elementCount() * dtype().bytes()} long (a quantized
   * tensor's codes).
   */
  public MemorySegment data() {
    return data;
  }

  public int rank() {
    return shape.length;
  }

  /** Size of dimension {@code d}. */
  public long dim(int d) {
    return shape[d];
  }

  /** Number of rows of a 2-D tensor. */
  public int rows() {
    requireRank(2);
    return Math.toIntExact(shape[0]);
  }

  /** Number of columns of a 2-D tensor. */
  public int columns() {
    requireRank(2);
    return Math.toIntExact(shape[1]);
  }

  public long elementCount() {
    long n = 1;
    for (long d : shape) {
      n = Math.multiplyExact(n, d);
    }
    return n;
  }

  /**
   * Element {@code index} (row-major flat index) as a float. Slow path: kernels decode blocks
   * themselves.
   */
  public float get(long index) {
    if (quantization == null) {
      return dtype.decode(data, index);
    }
    long in = shape[1];
    int row = (int) (index / in);
    int column = (int) (index % in);
    return code(row, column) * quantization.scale(row, column / quantization.blockSize());
  }

  /**
   * The unscaled code value at {@code (row, column)} of a quantized tensor (an int8 or int4
   * integer, or the E4M3 number).
   */
  public float code(int row, int column) {
    long in = shape[1];
    return switch (quantization.format()) {
      case INT8, FP8 -> dtype.decode(data, row * in + column);
      case INT4 -> {
        int block = quantization.blockSize();
        int half = block / 2;
        int inBlock = column % block;
        long byteIndex = row * (in / 2) + (column - inBlock) / 2 + inBlock % half;
        int packed = data.get(java.lang.foreign.ValueLayout.JAVA_BYTE, byteIndex) & 0xFF;
        yield (inBlock < half ? packed & 0xF : packed >>> 4) - 8;
      }
    };
  }

  /**
   * Elements {@code [first, first + n)} (flat, row-major) as floats into {@code dst[offset ..]}:
   * dequantized for a quantized tensor. The slow, scalar path (references, one-off decodes).
   */
  public void decode(long first, float[] dst, int offset, int n) {
    for (int i = 0; i < n; i++) {
      dst[offset + i] = get(first + i);
    }
  }

  private void requireRank(int r) {
    if (shape.length != r) {
      throw new IllegalStateException(
          "tensor " + name + " has shape " + Arrays.toString(shape) + ", expected rank " + r);
    }
  }

  @Override
  public String toString() {
    return name
        + " "
        + (quantization == null ? dtype : quantization.format().id())
        + Arrays.toString(shape);
  }
}
