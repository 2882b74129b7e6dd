package dev.inference.nemotron.pod.engine.cpu;

import dev.inference.nemotron.pod.model.DType;
import java.lang.foreign.MemorySegment;

/**
 * The numeric primitives the CPU forward pass is built from. Two twins implement it: {@link
 * ScalarKernels}, the plain-loop reference, and {@link VectorKernels}, the JDK Vector API path; a
 * test holds them equal on random sizes and offsets. {@link NativeKernels} runs the matmul in C
 * ({@code kernels/cpu}) with the Vector API kernels' bits and uses them for the rest.
 * Implementations are stateless and thread-safe.
 */
public interface Kernels {

  /** Weight rows {@link #matmulBlock} decodes at a time: its scratch holds this many rows. */
  int SCRATCH_ROWS = 8;

  /** Short name printed with the tunables ({@code scalar}, {@code vector}, {@code native-avx2}). */
  String name();

  /**
   * Decodes {@code n} consecutive elements of a tensor's little-endian storage, starting at flat
   * element index {@code first}, into {@code dst[dstOffset ..]}.
   */
  void decode(DType dtype, MemorySegment data, long first, float[] dst, int dstOffset, int n);

  /** {@code sum_i a[aOffset + i] * b[bOffset + i]} for i in [0, n). */
  float dot(float[] a, int aOffset, float[] b, int bOffset, int n);

  /**
   * A block of a matmul {@code out = x W^T}: for weight rows j in {@code [from, to)} of {@code W
   * [outDim, n]} (storage format {@code dtype}) and input rows r in {@code [0, rows)} of {@code x
   * [rows, n]}, {@code out[r * outDim + j] = dot(W[j], x[r])}. Each weight row is read once for all
   * input rows. {@code scratch} holds at least {@code SCRATCH_ROWS * n} floats.
   */
  void matmulBlock(
      DType dtype,
      MemorySegment w,
      int n,
      int from,
      int to,
      float[] x,
      int rows,
      float[] out,
      int outDim,
      float[] scratch);

  /** {@code y[yOffset + i] += a * x[xOffset + i]} for i in [0, n). */
  void axpy(float a, float[] x, int xOffset, float[] y, int yOffset, int n);

  /**
   * {@link #dot} with {@code b} in BF16 (the upper 16 bits of a float), as a BF16 KV cache holds.
   */
  float dotBf16(float[] a, int aOffset, short[] b, int bOffset, int n);

  /** {@link #axpy} with {@code x} in BF16. */
  void axpyBf16(float a, short[] x, int xOffset, float[] y, int yOffset, int n);

  /**
   * SwiGLU in place: {@code gate[i] = silu(gate[i]) * up[i]} with {@code silu(g) = g / (1 +
   * exp(-g))}, for i in {@code [offset, offset + n)}.
   */
  void swiglu(float[] gate, float[] up, int offset, int n);

  /** {@code sum_i x[offset + i]^2} for i in [0, n). */
  float sumOfSquares(float[] x, int offset, int n);

  /** The values {@code ndd.kernels} takes. */
  java.util.List<String> NAMES = java.util.List.of("auto", "native", "vector", "scalar");

  /**
   * The kernels named by {@code ndd.kernels}: {@code scalar} (plain loops, the reference), {@code
   * vector} (JDK Vector API), {@code native} (the C matmuls of {@code kernels/cpu} through FFM; an
   * error naming the reason where they cannot load) or {@code auto} ({@code native} where the
   * library loads and the CPU has its instruction set, else {@code vector}; one line on stderr says
   * which and why). A clear error for anything else.
   */
  static Kernels named(String name) {
    return switch (name) {
      case "scalar" -> new ScalarKernels();
      case "vector" -> new VectorKernels();
      case "native" -> {
        NativeLibrary.Status status = NativeLibrary.status();
        yield new NativeKernels(
            status
                .library()
                .orElseThrow(
                    () ->
                        new IllegalStateException(
                            "ndd.kernels=native, but the native kernels cannot run here: "
                                + status.reason())));
      }
      case "auto" -> NativeKernels.auto();
      default -> throw unknown(name);
    };
  }

  /** The error for an {@code ndd.kernels} value that is none of {@link #NAMES}. */
  static IllegalArgumentException unknown(String name) {
    return new IllegalArgumentException(
        "ndd.kernels must be one of " + String.join(", ", NAMES) + "; got '" + name + "'");
  }
}
