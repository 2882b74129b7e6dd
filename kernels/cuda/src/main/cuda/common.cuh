// Shared helpers of the runtime's kernels. Activations are fp32; weights are BF16 (or a block
// quantized format) read straight from the layout of the checkpoint: row-major [out, in].
#pragma once
#include <stdint.h>

#define NDD_FULL_MASK 0xffffffffu

__device__ __forceinline__ float ndd_bf16_to_float(uint16_t bits) {
  return __uint_as_float(((uint32_t)bits) << 16);
}

__device__ __forceinline__ float ndd_warp_sum(float v) {
  for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(NDD_FULL_MASK, v, o);
  return v;
}

__device__ __forceinline__ float ndd_warp_max(float v) {
  for (int o = 16; o > 0; o >>= 1) v = fmaxf(v, __shfl_xor_sync(NDD_FULL_MASK, v, o));
  return v;
}

// Sum over the whole block (blockDim.x a multiple of 32, at most 1024); every thread gets it.
__device__ __forceinline__ float ndd_block_sum(float v) {
  __shared__ float partial[32];
  __shared__ float total;
  int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  v = ndd_warp_sum(v);
  __syncthreads();
  if (lane == 0) partial[warp] = v;
  __syncthreads();
  if (warp == 0) {
    float s = lane < (blockDim.x >> 5) ? partial[lane] : 0.f;
    s = ndd_warp_sum(s);
    if (lane == 0) total = s;
  }
  __syncthreads();
  return total;
}

__device__ __forceinline__ float ndd_block_max(float v) {
  __shared__ float partial[32];
  __shared__ float total;
  int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  v = ndd_warp_max(v);
  __syncthreads();
  if (lane == 0) partial[warp] = v;
  __syncthreads();
  if (warp == 0) {
    float s = lane < (blockDim.x >> 5) ? partial[lane] : -INFINITY;
    s = ndd_warp_max(s);
    if (lane == 0) total = s;
  }
  __syncthreads();
  return total;
}
