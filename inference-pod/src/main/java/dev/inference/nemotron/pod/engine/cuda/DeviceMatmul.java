package dev.inference.nemotron.pod.engine.cuda;

import jcuda.Pointer;
import jcuda.cudaDataType;
import jcuda.driver.CUdeviceptr;
import jcuda.jcublas.JCublas2;
import jcuda.jcublas.cublasComputeType;
import jcuda.jcublas.cublasGemmAlgo;
import jcuda.jcublas.cublasOperation;

/**
 * {@code y[r] = W x[r]} (or {@code y[r] += W x[r]}) for the rows of a forward. Up to {@link
 * LaunchGeometry#GEMV_MAX_ROWS} rows run through our GEMV kernels, which stream the weights (or a
 * quantized matrix's codes and scales) once with 16-byte loads (decode is bound by HBM bandwidth);
 * more rows go to cuBLAS {@code cublasGemmEx}. For BF16 weights cuBLAS multiplies BF16 by BF16, so
 * the fp32 activations are split into two BF16 terms (hi + lo) and multiplied twice: about 16
 * mantissa bits instead of 8, close to the CPU engine's fp32 activations, at twice the arithmetic
 * and weight reads. {@code ndd.cuda.gemm=bf16} multiplies once with BF16 activations instead
 * (faster many-row forwards, 8-bit activation mantissas).
 *
 * <p>Quantized weights (int8, int4, fp8, in the CPU engine's layout) take the same row split. The
 * many-row path dequantizes a tile of rows at a time ({@link DequantizeTiles}) into BF16 hi + lo
 * halves of {@code code * scale} and runs three GEMMs, W_hi x_hi + W_hi x_lo + W_lo x_hi (only W_lo
 * x_lo, about 2^-16 relative, is dropped), so quantized and BF16 forwards keep the same precision;
 * {@code bf16} mode runs W_hi x_hi only. A dequantizing kernel of our own would save the tile round
 * trip, but cuBLAS's tensor-core GEMMs are what a prefill needs and the tile stays in L2.
 */
final class DeviceMatmul {
  /** The property choosing the many-row BF16 path: {@code split} (default) or {@code bf16}. */
  static final String GEMM_PROPERTY = "ndd.cuda.gemm";

  private static final Pointer ONE = Pointer.to(new float[] {1f});
  private static final Pointer ZERO = Pointer.to(new float[] {0f});

  private final CudaRuntime cuda;
  private final boolean split;
  private final long tileBytes;
  private final CUdeviceptr tile; // [tileRows, in] BF16 hi, then [tileRows, in] BF16 lo

  /**
   * @param dequantizeBytes the dequantization tile to allocate (0 when no weight is quantized)
   */
  DeviceMatmul(CudaRuntime cuda, long dequantizeBytes) {
    this.cuda = cuda;
    String mode = System.getProperty(GEMM_PROPERTY, "split");
    if (!mode.equals("split") && !mode.equals("bf16")) {
      throw new IllegalArgumentException(
          GEMM_PROPERTY + " must be 'split' or 'bf16', got '" + mode + "'");
    }
    this.split = mode.equals("split");
    this.tileBytes = dequantizeBytes;
    this.tile = dequantizeBytes > 0 ? cuda.allocate(dequantizeBytes) : null;
  }

  /** Which kernel path a product takes (pure, so it is unit-tested without a GPU). */
  enum Route {
    /** Our BF16 or F32 GEMV kernel. */
    GEMV,
    /** Our int8 / int4 / fp8 GEMV kernel over the codes as stored. */
    GEMV_QUANTIZED,
    /** cuBLAS over the stored BF16/F32 weights. */
    GEMM,
    /** Tiles dequantized to BF16 hi + lo, then cuBLAS. */
    DEQUANTIZE_GEMM;

    static Route of(DeviceMatrix.Format format, int rows, int columns, int blockSize) {
      boolean few = rows <= LaunchGeometry.GEMV_MAX_ROWS;
      if (format.quantized()) {
        return few && LaunchGeometry.quantizedGemvFits(format, columns, blockSize)
            ? GEMV_QUANTIZED
            : DEQUANTIZE_GEMM;
      }
      return few && columns % 8 == 0 ? GEMV : GEMM;
    }
  }

  /**
   * @param w the weights {@code [out, in]}
   * @param x {@code [rows, in]} fp32
   * @param y {@code [rows, out]} fp32
   * @param scratch room for the BF16 halves, at least {@code 2 * rows * in} BF16 values
   */
  void apply(
      DeviceMatrix w,
      CUdeviceptr x,
      int rows,
      CUdeviceptr y,
      boolean accumulate,
      CUdeviceptr scratch) {
    int blockSize = w.quantized() ? w.scales().blockSize() : 0;
    switch (Route.of(w.format(), rows, w.columns(), blockSize)) {
      case GEMV -> gemv(w, x, rows, y, accumulate);
      case GEMV_QUANTIZED -> gemvQuantized(w, x, rows, y, accumulate);
      case GEMM -> gemm(w, x, rows, y, accumulate, scratch);
      case DEQUANTIZE_GEMM -> dequantizeGemm(w, x, rows, y, accumulate, scratch);
    }
  }

  private void gemv(DeviceMatrix w, CUdeviceptr x, int rows, CUdeviceptr y, boolean accumulate) {
    cuda.launch(
        w.format() == DeviceMatrix.Format.BF16 ? CudaKernel.GEMV_BF16 : CudaKernel.GEMV_F32,
        LaunchGeometry.gemv(w.rows(), w.columns(), 8),
        w.data(),
        x,
        y,
        rows,
        w.rows(),
        w.columns(),
        accumulate ? 1 : 0);
  }

  private void gemvQuantized(
      DeviceMatrix w, CUdeviceptr x, int rows, CUdeviceptr y, boolean accumulate) {
    DeviceMatrix.Scales s = w.scales();
    // The one-row variants are the same code for R = 1 (fewer registers, more warps in flight),
    // with the same per-row summation order, so a row's sums do not depend on the row count.
    boolean one = rows == 1;
    CudaKernel kernel =
        switch (w.format()) {
          case INT8 -> one ? CudaKernel.GEMV_INT8_ROW : CudaKernel.GEMV_INT8;
          case INT4 -> one ? CudaKernel.GEMV_INT4_ROW : CudaKernel.GEMV_INT4;
          case FP8 -> one ? CudaKernel.GEMV_FP8_ROW : CudaKernel.GEMV_FP8;
          case BF16, F32 -> throw new AssertionError("not quantized");
        };
    cuda.launch(
        kernel,
        LaunchGeometry.gemvQuantized(w.format(), w.rows(), w.columns(), s.blockSize()),
        w.data(),
        s.data(),
        s.type().kernelCode(),
        // int8/int4 take the block size, fp8 the scale stride (1 per channel, 0 per tensor)
        w.format() == DeviceMatrix.Format.FP8 ? s.rowStride() : s.blockSize(),
        x,
        y,
        rows,
        w.rows(),
        w.columns(),
        accumulate ? 1 : 0);
  }

  private void gemm(
      DeviceMatrix w,
      CUdeviceptr x,
      int rows,
      CUdeviceptr y,
      boolean accumulate,
      CUdeviceptr scratch) {
    if (w.format() == DeviceMatrix.Format.F32) {
      gemmEx(
          w.data(),
          cudaDataType.CUDA_R_32F,
          w.rows(),
          w.columns(),
          x,
          rows,
          y,
          w.rows(),
          beta(accumulate));
      return;
    }
    CUdeviceptr[] halves = splitActivations(x, rows, w.columns(), scratch);
    int type = cudaDataType.CUDA_R_16BF;
    gemmEx(w.data(), type, w.rows(), w.columns(), halves[0], rows, y, w.rows(), beta(accumulate));
    if (split) {
      gemmEx(w.data(), type, w.rows(), w.columns(), halves[1], rows, y, w.rows(), ONE);
    }
  }

  private void dequantizeGemm(
      DeviceMatrix w,
      CUdeviceptr x,
      int rows,
      CUdeviceptr y,
      boolean accumulate,
      CUdeviceptr scratch) {
    if (tile == null) {
      throw new IllegalStateException(
          "no dequantization tile was planned, but " + w.format() + " weights are loaded");
    }
    int in = w.columns();
    int tileRows = DequantizeTiles.tileRows(w.rows(), in, tileBytes);
    CUdeviceptr hi = tile;
    CUdeviceptr lo = tile.withByteOffset((long) tileRows * in * 2);
    CUdeviceptr[] halves = splitActivations(x, rows, in, scratch);
    DeviceMatrix.Scales s = w.scales();
    int type = cudaDataType.CUDA_R_16BF;
    for (int first = 0; first < w.rows(); first += tileRows) {
      int m = Math.min(tileRows, w.rows() - first);
      cuda.launch(
          CudaKernel.DEQUANTIZE_SPLIT,
          LaunchGeometry.dequantize(m, in),
          w.data(),
          s.data(),
          s.type().kernelCode(),
          w.format().kernelCode(),
          s.blockSize(),
          s.rowStride(),
          first,
          m,
          in,
          hi,
          lo);
      // This tile's outputs are rows [first, first + m) of Y^T: column offset first in Y.
      CUdeviceptr out = y.withByteOffset((long) first * Float.BYTES);
      gemmEx(hi, type, m, in, halves[0], rows, out, w.rows(), beta(accumulate));
      if (split) {
        gemmEx(hi, type, m, in, halves[1], rows, out, w.rows(), ONE);
        gemmEx(lo, type, m, in, halves[0], rows, out, w.rows(), ONE);
      }
    }
  }

  /** The activations as BF16 hi and lo halves in {@code scratch}. */
  private CUdeviceptr[] splitActivations(CUdeviceptr x, int rows, int in, CUdeviceptr scratch) {
    long elements = (long) rows * in;
    CUdeviceptr hi = scratch;
    CUdeviceptr lo = scratch.withByteOffset(elements * 2);
    cuda.launch(CudaKernel.SPLIT_BF16, LaunchGeometry.elementwise(elements), x, hi, lo, elements);
    return new CUdeviceptr[] {hi, lo};
  }

  private static Pointer beta(boolean accumulate) {
    return accumulate ? ONE : ZERO;
  }

  /**
   * Row-major {@code Y[rows, out] = X[rows, in] W[out, in]^T} is column-major {@code Y^T = W^T
   * X^T}: cuBLAS sees W as an {@code in x out} column-major matrix and transposes it. {@code out}
   * may be a tile of W's rows, written at its place in Y (leading dimension {@code ldy}).
   */
  private void gemmEx(
      CUdeviceptr w,
      int type,
      int out,
      int in,
      CUdeviceptr x,
      int rows,
      CUdeviceptr y,
      int ldy,
      Pointer beta) {
    JCublas2.cublasGemmEx(
        cuda.cublas(),
        cublasOperation.CUBLAS_OP_T,
        cublasOperation.CUBLAS_OP_N,
        out,
        rows,
        in,
        ONE,
        w,
        type,
        in,
        x,
        type,
        in,
        beta,
        y,
        cudaDataType.CUDA_R_32F,
        ldy,
        cublasComputeType.CUBLAS_COMPUTE_32F,
        cublasGemmAlgo.CUBLAS_GEMM_DEFAULT);
  }
}
