// Row-wise layers of MODEL.md §4: embedding lookup, RMSNorm, YaRN RoPE with the llama-4 query
// scale, SwiGLU and the residual add. One thread block per activation row unless noted.
#include "common.cuh"

// out[r, :] = table[tokens[r], :] (no scaling). Grid: rows. dtype 0 = BF16, 1 = F32.
extern "C" __global__ void ndd_embed(const void* table, int dtype, const int* tokens, float* out,
                                     int hidden) {
  int r = blockIdx.x;
  long base = (long)tokens[r] * hidden;
  float* o = out + (long)r * hidden;
  if (dtype == 0) {
    const uint16_t* t = (const uint16_t*)table + base;
    for (int i = threadIdx.x; i < hidden; i += blockDim.x) o[i] = ndd_bf16_to_float(t[i]);
  } else {
    const float* t = (const float*)table + base;
    for (int i = threadIdx.x; i < hidden; i += blockDim.x) o[i] = t[i];
  }
}

// out[r] = in[r] / sqrt(mean(in[r]^2) + eps) * weight, in fp32. Grid: rows; in and out may alias.
// The inverse is taken in double and rounded once, as the CPU engine does.
extern "C" __global__ void ndd_rmsnorm(const float* in, const float* weight, float* out,
                                       int hidden, double eps) {
  const float* x = in + (long)blockIdx.x * hidden;
  float* y = out + (long)blockIdx.x * hidden;
  float s = 0.f;
  for (int i = threadIdx.x; i < hidden; i += blockDim.x) s += x[i] * x[i];
  s = ndd_block_sum(s);
  float inv = (float)(1.0 / sqrt((double)(s / hidden) + eps));
  for (int i = threadIdx.x; i < hidden; i += blockDim.x) y[i] = x[i] * inv * weight[i];
}

// Rotates every head of every row in place with the rotate-half pairing (i, i + headDim/2).
// Grid: (rows, heads); block: headDim/2 threads (one per pair). The angle is an fp32 product of
// the position and the fp32 inverse frequency, as in the Hugging Face code; cos and sin are taken
// in double and scaled by the YaRN attention factor. Queries (isQuery != 0) are then multiplied
// by the llama-4 scale 1 + beta * ln(1 + floor(pos / originalMax)), exactly 1 below originalMax.
extern "C" __global__ void ndd_rope(float* x, const int* positions, const float* inverseFrequencies,
                                    int heads, int headDim, float attentionFactor, float llama4Beta,
                                    int originalMax, int isQuery) {
  int r = blockIdx.x, h = blockIdx.y, i = threadIdx.x;
  int half = headDim >> 1;
  if (i >= half) return;
  int pos = positions[r];
  float angle = (float)pos * inverseFrequencies[i];
  double sd, cd;
  sincos((double)angle, &sd, &cd);
  float c = (float)(cd * (double)attentionFactor);
  float s = (float)(sd * (double)attentionFactor);
  float scale = 1.f;
  if (isQuery) {
    scale = (float)(1.0 + (double)llama4Beta * log(1.0 + (double)(pos / originalMax)));
  }
  float* base = x + ((long)r * heads + h) * headDim;
  float x1 = base[i], x2 = base[i + half];
  base[i] = (x1 * c - x2 * s) * scale;
  base[i + half] = (x2 * c + x1 * s) * scale;
}

// gate[i] = silu(gate[i]) * up[i] over n elements (rows * intermediate). 1-D grid.
extern "C" __global__ void ndd_swiglu(float* gate, const float* up, long n) {
  long i = (long)blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= n) return;
  float g = gate[i];
  gate[i] = g / (1.f + expf(-g)) * up[i];
}

// h[i] += delta[i] over n elements. 1-D grid.
extern "C" __global__ void ndd_add(float* h, const float* delta, long n) {
  long i = (long)blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) h[i] += delta[i];
}

// out[k, :] = in[rows[k], :] for k < count (gathers the rows whose logits are asked for). Grid:
// count.
extern "C" __global__ void ndd_gather_rows(const float* in, const int* rows, float* out,
                                           int width) {
  const float* x = in + (long)rows[blockIdx.x] * width;
  float* y = out + (long)blockIdx.x * width;
  for (int i = threadIdx.x; i < width; i += blockDim.x) y[i] = x[i];
}

__device__ __forceinline__ uint16_t ndd_float_to_bf16(float v) {
  uint32_t bits = __float_as_uint(v);
  if ((bits & 0x7fffffffu) > 0x7f800000u) return (uint16_t)((bits >> 16) | 0x40);
  return (uint16_t)((bits + 0x7fffu + ((bits >> 16) & 1u)) >> 16);
}

// Splits fp32 activations into two BF16 terms, hi = bf16(x) and lo = bf16(x - hi), so that cuBLAS
// (BF16 x BF16, fp32 accumulation) multiplies them with about 16 mantissa bits instead of 8: two
// GEMMs, W hi + W lo. 1-D grid.
extern "C" __global__ void ndd_split_bf16(const float* in, uint16_t* hi, uint16_t* lo, long n) {
  long i = (long)blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= n) return;
  float x = in[i];
  uint16_t h = ndd_float_to_bf16(x);
  hi[i] = h;
  lo[i] = ndd_float_to_bf16(x - ndd_bf16_to_float(h));
}
