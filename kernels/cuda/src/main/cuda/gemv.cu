// Few-row matrix-vector products y[r] = W x[r] (+ y[r] when accumulate) for decode, where the
// weights are read once from HBM for all rows: one warp per output feature, 16-byte vector loads.
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

// Dot products of 4 consecutive weights (already decoded) with every row's x.
__device__ __forceinline__ void ndd_fma4(float (&acc)[NDD_GEMV_MAX_ROWS], const float* w,
                                         const float* x, int rows, int inFeatures, int col) {
#pragma unroll
  for (int r = 0; r < NDD_GEMV_MAX_ROWS; r++) {
    if (r < rows) {
      float4 a = *(const float4*)(x + (long)r * inFeatures + col);
      acc[r] += w[0] * a.x + w[1] * a.y + w[2] * a.z + w[3] * a.w;
    }
  }
}

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
// One warp per output feature, each lane streaming 16 bytes of codes per step (two steps in
// flight), the block's scale read once per 16-byte vector (a vector never straddles a block: B is
// 32 or 64), every weight dequantized to fp32 as code * scale, fp32 FMAs, then the warp sum.
// The integer codes become floats with a byte permute into the mantissa of 2^23 and one
// subtraction (exact), not with I2F, whose throughput (16/clk/SM) would make int8/int4 ALU-bound
// on H100 before they are HBM-bound.

#define NDD_SCALE_F32 0
#define NDD_SCALE_BF16 1
#define NDD_SCALE_F16 2

__device__ __forceinline__ float ndd_scale(const void* scales, int scaleType, long i) {
  if (scaleType == NDD_SCALE_BF16) {
    return ndd_bf16_to_float(__ldg((const unsigned short*)scales + i));
  }
  if (scaleType == NDD_SCALE_F16) {
    return __half2float(__ushort_as_half(__ldg((const unsigned short*)scales + i)));
  }
  return __ldg((const float*)scales + i);
}

// 2^23 + byte i of u as a float: __byte_perm picks byte i of u, two zero bytes and 0x4B.
#define NDD_MAGIC 0x4B000000u
__device__ __forceinline__ float ndd_byte_as_float(uint32_t u, int i) {
  return __uint_as_float(__byte_perm(u, NDD_MAGIC, 0x7540 | i));
}

// 16 int8 codes (one 16-byte vector) times the scale: w[i] = code[i] * scale.
__device__ __forceinline__ void ndd_decode_int8(uint4 v, float scale, float (&w)[16]) {
  uint32_t p[4] = {v.x, v.y, v.z, v.w};
#pragma unroll
  for (int t = 0; t < 4; t++) {
    uint32_t u = p[t] ^ 0x80808080u;  // code + 128, as an unsigned byte
#pragma unroll
    for (int i = 0; i < 4; i++) {
      w[4 * t + i] = (ndd_byte_as_float(u, i) - 8388736.f) * scale;  // 2^23 + 128
    }
  }
}

// 32 int4 codes (one 16-byte vector): lo[k] from the low nibbles of bytes k, hi[k] from the high
// nibbles; code = nibble - 8; times the scale.
__device__ __forceinline__ void ndd_decode_int4(uint4 v, float scale, float (&lo)[16],
                                                float (&hi)[16]) {
  uint32_t p[4] = {v.x, v.y, v.z, v.w};
#pragma unroll
  for (int t = 0; t < 4; t++) {
    uint32_t l = p[t] & 0x0F0F0F0Fu;
    uint32_t h = (p[t] >> 4) & 0x0F0F0F0Fu;
#pragma unroll
    for (int i = 0; i < 4; i++) {
      lo[4 * t + i] = (ndd_byte_as_float(l, i) - 8388616.f) * scale;  // 2^23 + 8
      hi[4 * t + i] = (ndd_byte_as_float(h, i) - 8388616.f) * scale;
    }
  }
}

// 16 E4M3 codes times the scale. Every E4M3 value (subnormals, NaN) is exact in fp16, so the
// pairwise conversion (one cvt.f16x2.e4m3x2 on sm_89+) then fp16 -> fp32 is the exact value the
// CPU decodes.
__device__ __forceinline__ void ndd_decode_fp8(uint4 v, float scale, float (&w)[16]) {
  uint32_t p[4] = {v.x, v.y, v.z, v.w};
#pragma unroll
  for (int t = 0; t < 4; t++) {
#pragma unroll
    for (int i = 0; i < 2; i++) {
      __half2_raw raw =
          __nv_cvt_fp8x2_to_halfraw2((__nv_fp8x2_storage_t)(p[t] >> (16 * i)), __NV_E4M3);
      float2 f = __half22float2(*(__half2*)&raw);
      w[4 * t + 2 * i] = f.x * scale;
      w[4 * t + 2 * i + 1] = f.y * scale;
    }
  }
}

__device__ __forceinline__ void ndd_fma16(float (&acc)[NDD_GEMV_MAX_ROWS], const float (&w)[16],
                                          const float* x, int rows, int inFeatures, int col) {
#pragma unroll
  for (int q = 0; q < 4; q++) ndd_fma4(acc, w + 4 * q, x, rows, inFeatures, col + 4 * q);
}

// int8 blockwise. Requires blockSize 32 or 64 and inFeatures a multiple of blockSize.
// Grid: ceil(outFeatures / 4); block: 128 threads (4 warps, one output feature each).
extern "C" __global__ void ndd_gemv_int8(const int8_t* codes, const void* scales, int scaleType,
                                         int blockSize, const float* x, float* y, int rows,
                                         int outFeatures, int inFeatures, int accumulate) {
  int lane = threadIdx.x & 31;
  int o = blockIdx.x * NDD_GEMV_WARPS + (threadIdx.x >> 5);
  if (o >= outFeatures) return;
  float acc[NDD_GEMV_MAX_ROWS] = {0.f};
  const uint4* wr = (const uint4*)(codes + (long)o * inFeatures);
  long scaleRow = (long)o * (inFeatures / blockSize);
  int vectors = inFeatures >> 4;  // 16 codes per vector
  int vectorsPerBlock = blockSize >> 4;
  for (int c = lane; c < vectors; c += 64) {
    int c2 = c + 32;
    uint4 v0 = __ldg(wr + c);
    uint4 v1 = c2 < vectors ? __ldg(wr + c2) : make_uint4(0, 0, 0, 0);
    float w[16];
    ndd_decode_int8(v0, ndd_scale(scales, scaleType, scaleRow + c / vectorsPerBlock), w);
    ndd_fma16(acc, w, x, rows, inFeatures, c << 4);
    if (c2 < vectors) {
      ndd_decode_int8(v1, ndd_scale(scales, scaleType, scaleRow + c2 / vectorsPerBlock), w);
      ndd_fma16(acc, w, x, rows, inFeatures, c2 << 4);
    }
  }
  ndd_store(acc, y, rows, outFeatures, o, accumulate, lane);
}

// int4 blockwise, the CPU's nibble order. Same requirements and geometry as ndd_gemv_int8.
extern "C" __global__ void ndd_gemv_int4(const uint8_t* codes, const void* scales, int scaleType,
                                         int blockSize, const float* x, float* y, int rows,
                                         int outFeatures, int inFeatures, int accumulate) {
  int lane = threadIdx.x & 31;
  int o = blockIdx.x * NDD_GEMV_WARPS + (threadIdx.x >> 5);
  if (o >= outFeatures) return;
  float acc[NDD_GEMV_MAX_ROWS] = {0.f};
  const uint4* wr = (const uint4*)(codes + (long)o * (inFeatures >> 1));
  long scaleRow = (long)o * (inFeatures / blockSize);
  int vectors = inFeatures >> 5;  // 32 codes per vector
  int vectorsPerBlock = blockSize >> 5;
  int half = blockSize >> 1;
  for (int c = lane; c < vectors; c += 64) {
    int c2 = c + 32;
    uint4 v0 = __ldg(wr + c);
    uint4 v1 = c2 < vectors ? __ldg(wr + c2) : make_uint4(0, 0, 0, 0);
#pragma unroll
    for (int k = 0; k < 2; k++) {
      int cv = k == 0 ? c : c2;
      if (cv < vectors) {
        int block = cv / vectorsPerBlock;
        // the vector's first byte within its block: inputs (first + j) and (first + half + j)
        int first = block * blockSize + (cv % vectorsPerBlock) * 16;
        float lo[16], hi[16];
        ndd_decode_int4(k == 0 ? v0 : v1,
                        ndd_scale(scales, scaleType, scaleRow + block), lo, hi);
        ndd_fma16(acc, lo, x, rows, inFeatures, first);
        ndd_fma16(acc, hi, x, rows, inFeatures, first + half);
      }
    }
  }
  ndd_store(acc, y, rows, outFeatures, o, accumulate, lane);
}

// fp8 E4M3 with a per-output-feature (scaleRowStride 1) or per-tensor (0) scale, read once per
// row. inFeatures a multiple of 16 (other widths take the dequantizing path).
extern "C" __global__ void ndd_gemv_fp8(const uint8_t* codes, const void* scales, int scaleType,
                                        int scaleRowStride, const float* x, float* y, int rows,
                                        int outFeatures, int inFeatures, int accumulate) {
  int lane = threadIdx.x & 31;
  int o = blockIdx.x * NDD_GEMV_WARPS + (threadIdx.x >> 5);
  if (o >= outFeatures) return;
  float acc[NDD_GEMV_MAX_ROWS] = {0.f};
  const uint4* wr = (const uint4*)(codes + (long)o * inFeatures);
  float scale = ndd_scale(scales, scaleType, (long)o * scaleRowStride);
  int vectors = inFeatures >> 4;
  for (int c = lane; c < vectors; c += 64) {
    int c2 = c + 32;
    uint4 v0 = __ldg(wr + c);
    uint4 v1 = c2 < vectors ? __ldg(wr + c2) : make_uint4(0, 0, 0, 0);
    float w[16];
    ndd_decode_fp8(v0, scale, w);
    ndd_fma16(acc, w, x, rows, inFeatures, c << 4);
    if (c2 < vectors) {
      ndd_decode_fp8(v1, scale, w);
      ndd_fma16(acc, w, x, rows, inFeatures, c2 << 4);
    }
  }
  ndd_store(acc, y, rows, outFeatures, o, accumulate, lane);
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
