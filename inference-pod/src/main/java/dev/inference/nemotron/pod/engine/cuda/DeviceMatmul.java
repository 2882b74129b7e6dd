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
 * LaunchGeometry#GEMV_MAX_ROWS} rows (with in_features a multiple of 8, as in every real shape) run
 * through our GEMV kernel, which streams the weights once with 16-byte loads (decode is bound by
 * HBM bandwidth); more rows go to cuBLAS {@code cublasGemmEx}. For BF16 weights cuBLAS multiplies
 * BF16 by BF16, so the fp32 activations are split into two BF16 terms (hi + lo) and multiplied
 * twice: about 16 mantissa bits instead of 8, close to the CPU engine's fp32 activations, at twice
 * the arithmetic and weight reads. {@code ndd.cuda.gemm=bf16} multiplies once with BF16 activations
 * instead (faster many-row forwards, 8-bit activation mantissas).
 */
final class DeviceMatmul {
  /** The property choosing the many-row BF16 path: {@code split} (default) or {@code bf16}. */
  static final String GEMM_PROPERTY = "ndd.cuda.gemm";

  private static final Pointer ONE = Pointer.to(new float[] {1f});
  private static final Pointer ZERO = Pointer.to(new float[] {0f});

  private final CudaRuntime cuda;
  private final boolean split;

  DeviceMatmul(CudaRuntime cuda) {
    this.cuda = cuda;
    String mode = System.getProperty(GEMM_PROPERTY, "split");
    if (!mode.equals("split") && !mode.equals("bf16")) {
      throw new IllegalArgumentException(
          GEMM_PROPERTY + " must be 'split' or 'bf16', got '" + mode + "'");
    }
    this.split = mode.equals("split");
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
    if (rows <= LaunchGeometry.GEMV_MAX_ROWS && w.columns() % 8 == 0) {
      boolean bf16 = w.format() == DeviceMatrix.Format.BF16;
      cuda.launch(
          bf16 ? CudaKernel.GEMV_BF16 : CudaKernel.GEMV_F32,
          LaunchGeometry.gemv(w.rows(), w.columns(), 8),
          w.data(),
          x,
          y,
          rows,
          w.rows(),
          w.columns(),
          accumulate ? 1 : 0);
      return;
    }
    int in = w.columns();
    if (w.format() == DeviceMatrix.Format.F32) {
      gemm(w, cudaDataType.CUDA_R_32F, x, rows, y, accumulate ? ONE : ZERO);
      return;
    }
    long elements = (long) rows * in;
    CUdeviceptr hi = scratch;
    CUdeviceptr lo = scratch.withByteOffset(elements * 2);
    cuda.launch(CudaKernel.SPLIT_BF16, LaunchGeometry.elementwise(elements), x, hi, lo, elements);
    gemm(w, cudaDataType.CUDA_R_16BF, hi, rows, y, accumulate ? ONE : ZERO);
    if (split) {
      gemm(w, cudaDataType.CUDA_R_16BF, lo, rows, y, ONE);
    }
  }

  /**
   * Row-major {@code Y[rows, out] = X[rows, in] W[out, in]^T} is column-major {@code Y^T = W^T
   * X^T}: cuBLAS sees W as an {@code in x out} column-major matrix and transposes it.
   */
  private void gemm(
      DeviceMatrix w, int type, CUdeviceptr x, int rows, CUdeviceptr y, Pointer beta) {
    JCublas2.cublasGemmEx(
        cuda.cublas(),
        cublasOperation.CUBLAS_OP_T,
        cublasOperation.CUBLAS_OP_N,
        w.rows(),
        rows,
        w.columns(),
        ONE,
        w.data(),
        type,
        w.columns(),
        x,
        type,
        w.columns(),
        beta,
        y,
        cudaDataType.CUDA_R_32F,
        w.rows(),
        cublasComputeType.CUBLAS_COMPUTE_32F,
        cublasGemmAlgo.CUBLAS_GEMM_DEFAULT);
  }
}
