package dev.inference.nemotron.pod.engine.cpu;

import dev.inference.nemotron.pod.model.DType;
import java.lang.foreign.MemorySegment;

/**
 * The {@link VectorKernels} with the matmul in the native library ({@link NativeLibrary}, property
 * {@code ndd.kernels=native}, or {@code auto} where it loads): F32 and BF16 weights go to C;
 * everything else (F16 weights, attention, norms, SwiGLU) and any call the library declines run the
 * {@link VectorKernels}. Quantized weights go through {@link NativeQuantizedKernels}.
 *
 * <p>The C kernels keep the Java kernels' summation order for every output element (one accumulator
 * vector of the same width, the same butterfly, the same tail), so both give the same bits and a
 * forward may mix them; {@code NativeKernelsTest} holds them equal bit for bit.
 */
final class NativeKernels extends VectorKernels {
  // Storage codes of ndd_matmul_float / ndd_matmul_quant (kernels/cpu/src/main/c/matmul.c).
  static final int F32 = 0;
  static final int BF16 = 1;
  static final int F16 = 2;

  private static final java.util.concurrent.atomic.AtomicBoolean ANNOUNCED =
      new java.util.concurrent.atomic.AtomicBoolean();

  private final NativeLibrary library;

  /**
   * {@code ndd.kernels=auto}: these kernels where the library loads, else the Vector API ones; the
   * first call prints which and why on one line.
   */
  static Kernels auto() {
    NativeLibrary.Status status = NativeLibrary.status();
    Kernels chosen =
        status.library().<Kernels>map(NativeKernels::new).orElseGet(VectorKernels::new);
    if (ANNOUNCED.compareAndSet(false, true)) {
      System.err.println(
          "ndd cpu kernels: auto -> "
              + chosen.name()
              + (status.library().isPresent() ? " (" : " (no native kernels: ")
              + status.reason()
              + ")");
    }
    return chosen;
  }

  /**
   * What {@code ndd.kernels=auto} resolves to in this process ({@code native-avx2}, {@code
   * vector}).
   */
  static String autoName() {
    return NativeLibrary.status().library().map(l -> "native-" + l.level().id()).orElse("vector");
  }

  NativeKernels(NativeLibrary library) {
    this.library = library;
  }

  /** The loaded library's level, e.g. {@code native-avx2}. */
  @Override
  public String name() {
    return "native-" + library.level().id();
  }

  NativeLibrary library() {
    return library;
  }

  /** The quantized kernels that go with these: native where the library takes the format. */
  QuantizedKernels quantized() {
    return new NativeQuantizedKernels(library);
  }

  @Override
  public void matmulBlock(
      DType dtype,
      MemorySegment w,
      int n,
      int from,
      int to,
      float[] x,
      int rows,
      float[] out,
      int outDim,
      float[] scratch) {
    if (from >= to) {
      return;
    }
    if (matmulNative(dtype, w, n, from, to, x, rows, out, outDim) != 0) {
      super.matmulBlock(dtype, w, n, from, to, x, rows, out, outDim, scratch);
    }
  }

  /**
   * {@link #matmulBlock} in the library: 0 when it ran, non-zero when it declined (a format it does
   * not take, or no memory for its buffers) and wrote nothing.
   */
  int matmulNative(
      DType dtype,
      MemorySegment w,
      int n,
      int from,
      int to,
      float[] x,
      int rows,
      float[] out,
      int outDim) {
    int code =
        switch (dtype) {
          case F32 -> F32;
          case BF16 -> BF16;
          default -> -1;
        };
    if (code < 0) {
      return -2;
    }
    try {
      return (int)
          library
              .matmulFloat()
              .invokeExact(
                  code,
                  w,
                  (long) n,
                  (long) from,
                  (long) to,
                  MemorySegment.ofArray(x),
                  (long) rows,
                  MemorySegment.ofArray(out),
                  (long) outDim);
    } catch (Throwable t) {
      throw new IllegalStateException("native matmul of " + dtype + " failed", t);
    }
  }
}
