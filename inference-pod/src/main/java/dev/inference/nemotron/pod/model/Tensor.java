package dev.inference.nemotron.pod.model;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * A named tensor in its storage format, usually a slice of a memory-mapped safetensors file (never
 * copied onto the heap). Row-major; for a 2-D weight {@code [out, in]}, row r is the r-th output's
 * input weights.
 */
public final class Tensor {
  private final String name;
  private final DType dtype;
  private final long[] shape;
  private final MemorySegment data;

  public Tensor(String name, DType dtype, long[] shape, MemorySegment data) {
    this.name = name;
    this.dtype = dtype;
    this.shape = shape.clone();
    this.data = data;
    long expected = elementCount() * dtype.bytes();
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

  public DType dtype() {
    return dtype;
  }

  /** A copy of the shape. */
  public long[] shape() {
    return shape.clone();
  }

  /** The raw bytes, little-endian, {@code elementCount() * dtype().bytes()} long. */
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
    return dtype.decode(data, index);
  }

  private void requireRank(int r) {
    if (shape.length != r) {
      throw new IllegalStateException(
          "tensor " + name + " has shape " + Arrays.toString(shape) + ", expected rank " + r);
    }
  }

  @Override
  public String toString() {
    return name + " " + dtype + Arrays.toString(shape);
  }
}
