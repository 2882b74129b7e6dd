// Few-row matrix-vector products y[r] = W x[r] (+ y[r] when accumulate) for decode, where the
// weights are read once from HBM for all rows, with 16-byte vector loads: one warp per output
// feature for BF16/F32, per two output features for the quantized formats.
// W is row-major [outFeatures, inFeatures]; x is [rows, inFeatures] fp32; y is [rows, outFeatures].
// Up to NDD_GEMV_MAX_ROWS rows per launch (more rows go to cuBLAS).
//
// Quantized formats: exactly the CPU engine's (inference-pod/WEIGHT-FORMATS.md), uploaded as stored.
//   int8: codes int8 [out, in] (-127..127), one scale per block of B = 32 or 64 inputs of a row:
//         scales [out, in / B]
//   int4: codes as nibbles code + 8 (0..15), bytes [out, in / 2]; in each block of B inputs, byte
//         k (k < B/2) of the block holds input k in its low nibble and input k + B/2 in its high
//         nibble; one scale per block: scales [out, in / B]
//   fp8:  OCP E4M3 "FN" codes [out, in], one scale per output feature (scaleRowStride 1) or for
//         the whole tensor (scaleRowStride 0)
// Scales are read as stored: scaleType 0 F32, 1 BF16 (what `ndd quantize` writes for int8/int4),
// 2 F16. The value of (j, c) is code(j, c) * scale(j, c / B): one fp32 multiply, as on the CPU.
#include <cuda_fp16.h>
#include <cuda_fp8.h>
#include "common.cuh"

#define NDD_GEMV_MAX_ROWS 8
#define NDD_GEMV_WARPS 4

// Dot products of 8 consecutive weights (already decoded) with every row's x.
__device__ __forceinline__ void ndd_fma8(float (&acc)[NDD_GEMV_MAX_ROWS], const float (&w)[8],
                                         const float* x, int rows, int inFeatures, int col) {
#pragma unroll
  for (int r = 0; r < NDD_GEMV_MAX_ROWS; r++) {
    if (r < rows) {
      const float4* xv = (const float4*)(x + (long)r * inFeatures + col);
      float4 a = xv[0], b = xv[1];
      acc[r] += w[0] * a.x + w[1] * a.y + w[2] * a.z + w[3] * a.w + w[4] * b.x + w[5] * b.y +
                w[6] * b.z + w[7] * b.w;
    }
  }
}

__device__ __forceinline__ void ndd_store(float (&acc)[NDD_GEMV_MAX_ROWS], float* y, int rows,
                                          int outFeatures, int o, int accumulate, int lane) {
#pragma unroll
  for (int r = 0; r < NDD_GEMV_MAX_ROWS; r++) {
    if (r < rows) {
      float s = ndd_warp_sum(acc[r]);
      if (lane == 0) {
        long at = (long)r * outFeatures + o;
        y[at] = accumulate ? y[at] + s : s;
      }
    }
  }
}

// BF16 weights. inFeatures must be a multiple of 8 (every checkpoint shape is a multiple of 128).
// Grid: ceil(outFeatures / 4); block: 128 threads (4 warps, one output feature each).
extern "C" __global__ void ndd_gemv_bf16(const uint16_t* w, const float* x, float* y, int rows,
                                         int outFeatures, int inFeatures, int accumulate) {
  int lane = threadIdx.x & 31;
  int o = blockIdx.x * NDD_GEMV_WARPS + (threadIdx.x >> 5);
  if (o >= outFeatures) return;
  float acc[NDD_GEMV_MAX_ROWS] = {0.f};
  const uint4* wr = (const uint4*)(w + (long)o * inFeatures);
  int vectors = inFeatures >> 3;
  for (int c = lane; c < vectors; c += 32) {
    uint4 packed = __ldg(wr + c);
    uint32_t p[4] = {packed.x, packed.y, packed.z, packed.w};
    float wf[8];
#pragma unroll
    for (int t = 0; t < 4; t++) {
      wf[2 * t] = __uint_as_float(p[t] << 16);
      wf[2 * t + 1] = __uint_as_float(p[t] & 0xffff0000u);
    }
    ndd_fma8(acc, wf, x, rows, inFeatures, c << 3);
  }
  ndd_store(acc, y, rows, outFeatures, o, accumulate, lane);
}

// F32 weights (small test checkpoints and adapters stored in fp32). inFeatures a multiple of 8.
extern "C" __global__ void ndd_gemv_f32(const float* w, const float* x, float* y, int rows,
                                        int outFeatures, int inFeatures, int accumulate) {
  int lane = threadIdx.x & 31;
  int o = blockIdx.x * NDD_GEMV_WARPS + (threadIdx.x >> 5);
  if (o >= outFeatures) return;
  float acc[NDD_GEMV_MAX_ROWS] = {0.f};
  const float4* wr = (const float4*)(w + (long)o * inFeatures);
  int vectors = inFeatures >> 3;
  for (int c = lane; c < vectors; c += 32) {
    float4 a = __ldg(wr + 2 * c), b = __ldg(wr + 2 * c + 1);
    float wf[8] = {a.x, a.y, a.z, a.w, b.x, b.y, b.z, b.w};
    ndd_fma8(acc, wf, x, rows, inFeatures, c << 3);
  }
  ndd_store(acc, y, rows, outFeatures, o, accumulate, lane);
}

// ---- Quantized GEMV -------------------------------------------------------------------------
// One warp per pair of output features. Each lane streams 16 bytes of codes of both rows per step,
// two steps in flight (four 16-byte loads outstanding), reads each block's scale once per vector
// (a vector never straddles a block: B is 32 or 64), dequantizes every weight to fp32 as
// code * scale (the CPU's value), and FMAs it into fp32 sums; a warp butterfly ends each sum.
// Two rows per warp halve the activation reads from L1 per code: at one fp32 activation per code
// and one output per warp, int4 would need ~130 B/clk/SM of L1 on an H100 at full HBM rate (the
// L1 gives ~128); with two it needs ~70.
// Integer codes become floats by a byte permute into the mantissa of 2^23 and one exact
// subtraction, not by I2F, whose throughput (16/clk/SM) would make int8/int4 ALU-bound on an H100
// before they are HBM-bound.

#define NDD_SCALE_F32 0
#define NDD_SCALE_BF16 1
#define NDD_SCALE_F16 2
#define NDD_QGEMV_OUTS_PER_WARP 2

__device__ __forceinline__ float ndd_scale(const void* scales, int scaleType, long i) {
  if (scaleType == NDD_SCALE_BF16) {
    return ndd_bf16_to_float(__ldg((const unsigned short*)scales + i));
  }
  if (scaleType == NDD_SCALE_F16) {
    return __half2float(__ushort_as_half(__ldg((const unsigned short*)scales + i)));
  }
  return __ldg((const float*)scales + i);
}

// 2^23 + byte i of u, as a float: __byte_perm picks byte i of u, two zero bytes and 0x4B.
#define NDD_MAGIC 0x4B000000u
__device__ __forceinline__ float ndd_byte_as_float(uint32_t u, int i) {
  return __uint_as_float(__byte_perm(u, NDD_MAGIC, 0x7540 | i));
}

// The 4 int8 codes of a word, times the scale.
__device__ __forceinline__ void ndd_int8x4(uint32_t word, float scale, float (&w)[4]) {
  uint32_t u = word ^ 0x80808080u;  // each byte: code + 128
#pragma unroll
  for (int i = 0; i < 4; i++) w[i] = (ndd_byte_as_float(u, i) - 8388736.f) * scale;  // 2^23+128
}

// The 4 low (high) nibbles of a word as int4 codes (nibble - 8), times the scale.
__device__ __forceinline__ void ndd_int4x4(uint32_t nibbles, float scale, float (&w)[4]) {
#pragma unroll
  for (int i = 0; i < 4; i++) w[i] = (ndd_byte_as_float(nibbles, i) - 8388616.f) * scale;  // 2^23+8
}

// The 4 E4M3 codes of a word, times the scale. Every E4M3 value (subnormals, NaN) is exact in
// fp16, so the pairwise conversion (one cvt.f16x2.e4m3x2 on sm_89+) then fp16 -> fp32 gives the
// exact value the CPU decodes.
__device__ __forceinline__ void ndd_fp8x4(uint32_t word, float scale, float (&w)[4]) {
#pragma unroll
  for (int i = 0; i < 2; i++) {
    __half2_raw raw =
        __nv_cvt_fp8x2_to_halfraw2((__nv_fp8x2_storage_t)(word >> (16 * i)), __NV_E4M3);
    float2 f = __half22float2(*(__half2*)&raw);
    w[2 * i] = f.x * scale;
    w[2 * i + 1] = f.y * scale;
  }
}

// acc0[r] += wa . x[r][col..col+3] and acc1[r] += wb . x[r][col..col+3] for the R rows: one
// activation load serves both output rows.
template <int R>
__device__ __forceinline__ void ndd_fma4x2(float (&acc0)[R], float (&acc1)[R],
                                           const float (&wa)[4], const float (&wb)[4],
                                           const float* x, int rows, int inFeatures, int col) {
#pragma unroll
  for (int r = 0; r < R; r++) {
    if (r < rows) {
      float4 a = *(const float4*)(x + (long)r * inFeatures + col);
      acc0[r] += wa[0] * a.x + wa[1] * a.y + wa[2] * a.z + wa[3] * a.w;
      acc1[r] += wb[0] * a.x + wb[1] * a.y + wb[2] * a.z + wb[3] * a.w;
    }
  }
}

template <int R>
__device__ __forceinline__ void ndd_store_rows(float (&acc)[R], float* y, int rows, int outFeatures,
                                               int o, int accumulate, int lane) {
#pragma unroll
  for (int r = 0; r < R; r++) {
    if (r < rows) {
      float s = ndd_warp_sum(acc[r]);
      if (lane == 0) {
        long at = (long)r * outFeatures + o;
        y[at] = accumulate ? y[at] + s : s;
      }
    }
  }
}

// Each kernel body is a template over R, the most rows it handles: R = NDD_GEMV_MAX_ROWS for the
// few-row forwards, R = 1 for the one-row decode step, which then needs 50-62 registers instead of
// 66-154 (sm_90) and so keeps 2-3x more warps, and loads, in flight.

// The output rows of this warp: o0 and o1 = o0 + 1 (o1 reads row o0 again when it is past the
// end, and is not stored).
#define NDD_QGEMV_PROLOGUE                                                                \
  int lane = threadIdx.x & 31;                                                            \
  int o0 = (blockIdx.x * NDD_GEMV_WARPS + (threadIdx.x >> 5)) * NDD_QGEMV_OUTS_PER_WARP; \
  if (o0 >= outFeatures) return;                                                          \
  bool second = o0 + 1 < outFeatures;                                                     \
  int o1 = second ? o0 + 1 : o0;                                                          \
  float acc0[R] = {0.f};                                                                  \
  float acc1[R] = {0.f};

#define NDD_QGEMV_EPILOGUE                                                    \
  ndd_store_rows<R>(acc0, y, rows, outFeatures, o0, accumulate, lane);        \
  if (second) ndd_store_rows<R>(acc1, y, rows, outFeatures, o1, accumulate, lane);

template <int R>
__device__ __forceinline__ void ndd_qgemv_int8(const int8_t* codes, const void* scales,
                                               int scaleType, int blockSize, const float* x,
                                               float* y, int rows, int outFeatures,
                                               int inFeatures, int accumulate) {
  NDD_QGEMV_PROLOGUE
  const uint4* ra = (const uint4*)(codes + (long)o0 * inFeatures);
  const uint4* rb = (const uint4*)(codes + (long)o1 * inFeatures);
  int blocks = inFeatures / blockSize;
  long sa = (long)o0 * blocks, sb = (long)o1 * blocks;
  int vectors = inFeatures >> 4;  // 16 codes per vector
  int vectorsPerBlock = blockSize >> 4;
  for (int c = lane; c < vectors; c += 64) {
    int c2 = c + 32;
    bool two = c2 < vectors;
    uint4 va[2], vb[2];
    va[0] = __ldg(ra + c);
    vb[0] = __ldg(rb + c);
    va[1] = two ? __ldg(ra + c2) : make_uint4(0, 0, 0, 0);
    vb[1] = two ? __ldg(rb + c2) : make_uint4(0, 0, 0, 0);
#pragma unroll
    for (int k = 0; k < 2; k++) {
      int cv = k == 0 ? c : c2;
      if (k == 0 || two) {
        float scaleA = ndd_scale(scales, scaleType, sa + cv / vectorsPerBlock);
        float scaleB = ndd_scale(scales, scaleType, sb + cv / vectorsPerBlock);
        uint32_t pa[4] = {va[k].x, va[k].y, va[k].z, va[k].w};
        uint32_t pb[4] = {vb[k].x, vb[k].y, vb[k].z, vb[k].w};
#pragma unroll
        for (int t = 0; t < 4; t++) {
          float wa[4], wb[4];
          ndd_int8x4(pa[t], scaleA, wa);
          ndd_int8x4(pb[t], scaleB, wb);
          ndd_fma4x2<R>(acc0, acc1, wa, wb, x, rows, inFeatures, (cv << 4) + 4 * t);
        }
      }
    }
  }
  NDD_QGEMV_EPILOGUE
}

// int4, the CPU's nibble order: in block b, byte k holds input b*B + k (low nibble) and
// b*B + B/2 + k (high nibble). A 16-byte vector is 16 bytes of one block, so its low nibbles are
// 16 consecutive inputs and its high nibbles the 16 consecutive inputs B/2 further on. One vector
// of each row per step (two loads in flight): a vector holds 32 codes here.
template <int R>
__device__ __forceinline__ void ndd_qgemv_int4(const uint8_t* codes, const void* scales,
                                               int scaleType, int blockSize, const float* x,
                                               float* y, int rows, int outFeatures,
                                               int inFeatures, int accumulate) {
  NDD_QGEMV_PROLOGUE
  const uint4* ra = (const uint4*)(codes + (long)o0 * (inFeatures >> 1));
  const uint4* rb = (const uint4*)(codes + (long)o1 * (inFeatures >> 1));
  int blocks = inFeatures / blockSize;
  long sa = (long)o0 * blocks, sb = (long)o1 * blocks;
  int vectors = inFeatures >> 5;  // 32 codes per vector
  int vectorsPerBlock = blockSize >> 5;
  int half = blockSize >> 1;
  for (int c = lane; c < vectors; c += 32) {
    uint4 va = __ldg(ra + c);
    uint4 vb = __ldg(rb + c);
    int block = c / vectorsPerBlock;
    int first = block * blockSize + (c % vectorsPerBlock) * 16;  // input of the vector's byte 0
    float scaleA = ndd_scale(scales, scaleType, sa + block);
    float scaleB = ndd_scale(scales, scaleType, sb + block);
    uint32_t pa[4] = {va.x, va.y, va.z, va.w};
    uint32_t pb[4] = {vb.x, vb.y, vb.z, vb.w};
#pragma unroll
    for (int t = 0; t < 4; t++) {
      float wa[4], wb[4];
      ndd_int4x4(pa[t] & 0x0F0F0F0Fu, scaleA, wa);
      ndd_int4x4(pb[t] & 0x0F0F0F0Fu, scaleB, wb);
      ndd_fma4x2<R>(acc0, acc1, wa, wb, x, rows, inFeatures, first + 4 * t);
      ndd_int4x4((pa[t] >> 4) & 0x0F0F0F0Fu, scaleA, wa);
      ndd_int4x4((pb[t] >> 4) & 0x0F0F0F0Fu, scaleB, wb);
      ndd_fma4x2<R>(acc0, acc1, wa, wb, x, rows, inFeatures, first + half + 4 * t);
    }
  }
  NDD_QGEMV_EPILOGUE
}

template <int R>
__device__ __forceinline__ void ndd_qgemv_fp8(const uint8_t* codes, const void* scales,
                                              int scaleType, int scaleRowStride, const float* x,
                                              float* y, int rows, int outFeatures,
                                              int inFeatures, int accumulate) {
  NDD_QGEMV_PROLOGUE
  const uint4* ra = (const uint4*)(codes + (long)o0 * inFeatures);
  const uint4* rb = (const uint4*)(codes + (long)o1 * inFeatures);
  float scaleA = ndd_scale(scales, scaleType, (long)o0 * scaleRowStride);
  float scaleB = ndd_scale(scales, scaleType, (long)o1 * scaleRowStride);
  int vectors = inFeatures >> 4;
  for (int c = lane; c < vectors; c += 64) {
    int c2 = c + 32;
    bool two = c2 < vectors;
    uint4 va[2], vb[2];
    va[0] = __ldg(ra + c);
    vb[0] = __ldg(rb + c);
    va[1] = two ? __ldg(ra + c2) : make_uint4(0, 0, 0, 0);
    vb[1] = two ? __ldg(rb + c2) : make_uint4(0, 0, 0, 0);
#pragma unroll
    for (int k = 0; k < 2; k++) {
      int cv = k == 0 ? c : c2;
      if (k == 0 || two) {
        uint32_t pa[4] = {va[k].x, va[k].y, va[k].z, va[k].w};
        uint32_t pb[4] = {vb[k].x, vb[k].y, vb[k].z, vb[k].w};
#pragma unroll
        for (int t = 0; t < 4; t++) {
          float wa[4], wb[4];
          ndd_fp8x4(pa[t], scaleA, wa);
          ndd_fp8x4(pb[t], scaleB, wb);
          ndd_fma4x2<R>(acc0, acc1, wa, wb, x, rows, inFeatures, (cv << 4) + 4 * t);
        }
      }
    }
  }
  NDD_QGEMV_EPILOGUE
}

// int8 blockwise: blockSize 32 or 64, inFeatures a multiple of it; up to NDD_GEMV_MAX_ROWS rows.
// Grid: ceil(outFeatures / 8); block: 128 threads (4 warps, two output features each).
extern "C" __global__ void ndd_gemv_int8(const int8_t* codes, const void* scales, int scaleType,
                                         int blockSize, const float* x, float* y, int rows,
                                         int outFeatures, int inFeatures, int accumulate) {
  ndd_qgemv_int8<NDD_GEMV_MAX_ROWS>(codes, scales, scaleType, blockSize, x, y, rows, outFeatures,
                                    inFeatures, accumulate);
}

// ndd_gemv_int8 for exactly one row (rows must be 1).
extern "C" __global__ void ndd_gemv_int8_row(const int8_t* codes, const void* scales,
                                             int scaleType, int blockSize, const float* x,
                                             float* y, int rows, int outFeatures, int inFeatures,
                                             int accumulate) {
  ndd_qgemv_int8<1>(codes, scales, scaleType, blockSize, x, y, 1, outFeatures, inFeatures,
                    accumulate);
}

// int4 blockwise, the CPU's nibble order. Same requirements and geometry as ndd_gemv_int8.
extern "C" __global__ void ndd_gemv_int4(const uint8_t* codes, const void* scales, int scaleType,
                                         int blockSize, const float* x, float* y, int rows,
                                         int outFeatures, int inFeatures, int accumulate) {
  ndd_qgemv_int4<NDD_GEMV_MAX_ROWS>(codes, scales, scaleType, blockSize, x, y, rows, outFeatures,
                                    inFeatures, accumulate);
}

extern "C" __global__ void ndd_gemv_int4_row(const uint8_t* codes, const void* scales,
                                             int scaleType, int blockSize, const float* x,
                                             float* y, int rows, int outFeatures, int inFeatures,
                                             int accumulate) {
  ndd_qgemv_int4<1>(codes, scales, scaleType, blockSize, x, y, 1, outFeatures, inFeatures,
                    accumulate);
}

// fp8 E4M3 with a per-output-feature (scaleRowStride 1) or per-tensor (0) scale, read once per
// row. inFeatures a multiple of 16 (other widths take the dequantizing path). Geometry as above.
extern "C" __global__ void ndd_gemv_fp8(const uint8_t* codes, const void* scales, int scaleType,
                                        int scaleRowStride, const float* x, float* y, int rows,
                                        int outFeatures, int inFeatures, int accumulate) {
  ndd_qgemv_fp8<NDD_GEMV_MAX_ROWS>(codes, scales, scaleType, scaleRowStride, x, y, rows,
                                   outFeatures, inFeatures, accumulate);
}

extern "C" __global__ void ndd_gemv_fp8_row(const uint8_t* codes, const void* scales,
                                            int scaleType, int scaleRowStride, const float* x,
                                            float* y, int rows, int outFeatures, int inFeatures,
                                            int accumulate) {
  ndd_qgemv_fp8<1>(codes, scales, scaleType, scaleRowStride, x, y, 1, outFeatures, inFeatures,
                   accumulate);
}

// ---- Dequantization for the many-row (cuBLAS) path -----------------------------------------

__device__ __forceinline__ uint16_t ndd_bf16_rne(float v) {
  uint32_t bits = __float_as_uint(v);
  if ((bits & 0x7fffffffu) > 0x7f800000u) return (uint16_t)((bits >> 16) | 0x40u);  // NaN
  return (uint16_t)((bits + 0x7fffu + ((bits >> 16) & 1u)) >> 16);
}

// Rows [firstRow, firstRow + tileRows) of a quantized matrix, dequantized (code * scale in fp32,
// as the GEMV and the CPU do) and split into two BF16 matrices hi + lo, row-major
// [tileRows, inFeatures], for cuBLAS. hi + lo is the fp32 value exactly when it has at most 16
// significant bits: int8 (7-bit code) and int4 (3-bit) with BF16 scales; F16/F32 scales (fp8)
// keep 16 of their bits. format: 1 int8, 2 int4, 3 fp8; scale(j, c) = scales[j * scaleRowStride
// + c / blockSize] (fp8: blockSize = inFeatures). One thread per element.
extern "C" __global__ void ndd_dequantize_split(const uint8_t* codes, const void* scales,
                                                int scaleType, int format, int blockSize,
                                                int scaleRowStride, int firstRow, int tileRows,
                                                int inFeatures, uint16_t* hi, uint16_t* lo) {
  long i = (long)blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= (long)tileRows * inFeatures) return;
  long row = firstRow + i / inFeatures;
  int c = (int)(i % inFeatures);
  float code;
  if (format == 1) {
    code = (float)(int8_t)codes[row * inFeatures + c];
  } else if (format == 2) {
    int inBlock = c % blockSize;
    int half = blockSize >> 1;
    long at = row * (inFeatures >> 1) + (c - inBlock) / 2 + inBlock % half;
    uint8_t packed = codes[at];
    code = (float)((inBlock < half ? packed & 0xf : packed >> 4) - 8);
  } else {
    __half_raw h = __nv_cvt_fp8_to_halfraw((__nv_fp8_storage_t)codes[row * inFeatures + c],
                                           __NV_E4M3);
    code = __half2float(*(__half*)&h);
  }
  float value = code * ndd_scale(scales, scaleType, row * scaleRowStride + c / blockSize);
  uint16_t h = ndd_bf16_rne(value);
  hi[i] = h;
  lo[i] = ndd_bf16_rne(value - ndd_bf16_to_float(h));
}

// The draft LoRA (MODEL.md §3) on adapter rows only: t[k] = A att[rows[k]] (lora_down, A is
// [rank, queryWidth]), then y[rows[k]] += scale * B t[k] (lora_up, B is [hidden, rank]), both fp32
// (the adapter is small; fp32 keeps the draft rows as exact as the CPU's).
// Grid: (ceil(outFeatures / 4), adapterRows); block 128 (one warp per output feature).
extern "C" __global__ void ndd_lora_down(const float* a, const float* att, const int* rows,
                                         float* t, int rank, int queryWidth) {
  int lane = threadIdx.x & 31;
  int o = blockIdx.x * NDD_GEMV_WARPS + (threadIdx.x >> 5);
  int k = blockIdx.y;
  if (o >= rank) return;
  const float* ar = a + (long)o * queryWidth;
  const float* x = att + (long)rows[k] * queryWidth;
  float s = 0.f;
  for (int c = lane; c < queryWidth; c += 32) s += ar[c] * x[c];
  s = ndd_warp_sum(s);
  if (lane == 0) t[(long)k * rank + o] = s;
}

extern "C" __global__ void ndd_lora_up(const float* b, const float* t, const int* rows,
                                       float* y, int hidden, int rank, float scale) {
  int lane = threadIdx.x & 31;
  int o = blockIdx.x * NDD_GEMV_WARPS + (threadIdx.x >> 5);
  int k = blockIdx.y;
  if (o >= hidden) return;
  const float* br = b + (long)o * rank;
  const float* x = t + (long)k * rank;
  float s = 0.f;
  for (int c = lane; c < rank; c += 32) s += br[c] * x[c];
  s = ndd_warp_sum(s);
  if (lane == 0) y[(long)rows[k] * hidden + o] += scale * s;
}
