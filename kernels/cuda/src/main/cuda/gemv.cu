// Few-row matrix-vector products y[r] = W x[r] (+ y[r] when accumulate) for decode, where the
// weights are read once from HBM for all rows: one warp per output feature, 16-byte vector loads.
// W is row-major [outFeatures, inFeatures]; x is [rows, inFeatures] fp32; y is [rows, outFeatures].
// Up to NDD_GEMV_MAX_ROWS rows per launch (more rows go to cuBLAS).
//
// Block formats (the quantized checkpoints' layout):
//   int8: int8 weights, one fp32 scale per 32 consecutive inputs of a row: scales [out, in / 32]
//   int4: signed 4-bit weights (-8..7), two per byte, low nibble first, one fp32 scale per 32
//         inputs: bytes [out, in / 2], scales [out, in / 32]
//   fp8:  E4M3 weights, one fp32 scale per output feature: scales [out]
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

// int8 weights with a per-32 block scale. inFeatures a multiple of 32.
extern "C" __global__ void ndd_gemv_int8(const int8_t* w, const float* scales, const float* x,
                                         float* y, int rows, int outFeatures, int inFeatures,
                                         int accumulate) {
  int lane = threadIdx.x & 31;
  int o = blockIdx.x * NDD_GEMV_WARPS + (threadIdx.x >> 5);
  if (o >= outFeatures) return;
  float acc[NDD_GEMV_MAX_ROWS] = {0.f};
  const uint2* wr = (const uint2*)(w + (long)o * inFeatures);
  const float* sr = scales + (long)o * (inFeatures >> 5);
  int vectors = inFeatures >> 3;
  for (int c = lane; c < vectors; c += 32) {
    uint2 packed = __ldg(wr + c);
    float scale = sr[c >> 2];
    float wf[8];
#pragma unroll
    for (int t = 0; t < 4; t++) {
      wf[t] = (float)(int8_t)(packed.x >> (8 * t)) * scale;
      wf[4 + t] = (float)(int8_t)(packed.y >> (8 * t)) * scale;
    }
    ndd_fma8(acc, wf, x, rows, inFeatures, c << 3);
  }
  ndd_store(acc, y, rows, outFeatures, o, accumulate, lane);
}

// int4 weights, low nibble first, per-32 block scale. inFeatures a multiple of 32.
extern "C" __global__ void ndd_gemv_int4(const uint8_t* w, const float* scales, const float* x,
                                         float* y, int rows, int outFeatures, int inFeatures,
                                         int accumulate) {
  int lane = threadIdx.x & 31;
  int o = blockIdx.x * NDD_GEMV_WARPS + (threadIdx.x >> 5);
  if (o >= outFeatures) return;
  float acc[NDD_GEMV_MAX_ROWS] = {0.f};
  const uint32_t* wr = (const uint32_t*)(w + (long)o * (inFeatures >> 1));
  const float* sr = scales + (long)o * (inFeatures >> 5);
  int vectors = inFeatures >> 3;  // one 32-bit word holds 8 weights
  for (int c = lane; c < vectors; c += 32) {
    uint32_t packed = __ldg(wr + c);
    float scale = sr[c >> 2];
    float wf[8];
#pragma unroll
    for (int t = 0; t < 8; t++) {
      int nibble = (packed >> (4 * t)) & 0xf;
      wf[t] = (float)(nibble >= 8 ? nibble - 16 : nibble) * scale;
    }
    ndd_fma8(acc, wf, x, rows, inFeatures, c << 3);
  }
  ndd_store(acc, y, rows, outFeatures, o, accumulate, lane);
}

// fp8 E4M3 weights with a per-output-feature scale. inFeatures a multiple of 8.
extern "C" __global__ void ndd_gemv_fp8(const uint8_t* w, const float* scales, const float* x,
                                        float* y, int rows, int outFeatures, int inFeatures,
                                        int accumulate) {
  int lane = threadIdx.x & 31;
  int o = blockIdx.x * NDD_GEMV_WARPS + (threadIdx.x >> 5);
  if (o >= outFeatures) return;
  float acc[NDD_GEMV_MAX_ROWS] = {0.f};
  const uint2* wr = (const uint2*)(w + (long)o * inFeatures);
  float scale = scales[o];
  int vectors = inFeatures >> 3;
  for (int c = lane; c < vectors; c += 32) {
    uint2 packed = __ldg(wr + c);
    float wf[8];
#pragma unroll
    for (int t = 0; t < 4; t++) {
      __nv_fp8_e4m3 a, b;
      a.__x = (uint8_t)(packed.x >> (8 * t));
      b.__x = (uint8_t)(packed.y >> (8 * t));
      wf[t] = (float)a * scale;
      wf[4 + t] = (float)b * scale;
    }
    ndd_fma8(acc, wf, x, rows, inFeatures, c << 3);
  }
  ndd_store(acc, y, rows, outFeatures, o, accumulate, lane);
}

// Dequantizes a block-format matrix to BF16 so the many-row path can use cuBLAS (format 1 int8,
// 2 int4, 3 fp8; layouts as above). 1-D grid over out * in elements.
extern "C" __global__ void ndd_dequantize_bf16(const uint8_t* w, const float* scales, int format,
                                               uint16_t* out, int outFeatures, int inFeatures) {
  long i = (long)blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= (long)outFeatures * inFeatures) return;
  long o = i / inFeatures;
  int c = (int)(i % inFeatures);
  float value;
  if (format == 1) {
    value = (float)(int8_t)w[i] * scales[o * (inFeatures >> 5) + (c >> 5)];
  } else if (format == 2) {
    int nibble = (w[o * (inFeatures >> 1) + (c >> 1)] >> (4 * (c & 1))) & 0xf;
    value = (float)(nibble >= 8 ? nibble - 16 : nibble) * scales[o * (inFeatures >> 5) + (c >> 5)];
  } else {
    __nv_fp8_e4m3 f;
    f.__x = w[i];
    value = (float)f * scales[o];
  }
  uint32_t bits = __float_as_uint(value);
  out[i] = (uint16_t)((bits + 0x7fffu + ((bits >> 16) & 1u)) >> 16);
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
