// Attention of a chunk's rows over the KV cache plus the chunk itself (MODEL.md §5), GQA, and the
// cache's write and copy kernels.
//
// The KV cache of one layer is a pool of pages, each [pageSize, kvWidth] fp32 for K and the same
// for V; a sequence owns the pages its page table lists, so position p lives in page
// pageTable[p / pageSize] at slot p % pageSize. A contiguous cache is the special case of one page.
//
// The mask is compact, not a callback: each chunk row has a visible range [lo, hi) of chunk rows
// and, when bitsOffset >= 0, a bitset of ceil(rows / 32) words at bits + bitsOffset that further
// restricts the range (QuadraticSpec's sub-block masks). CAUSAL is lo = 0, hi = i + 1; BIDIRECTIONAL
// is lo = 0, hi = rows. The cache (positions 0 .. past-1) is always visible.
#include "common.cuh"

#define NDD_MAX_DIMS_PER_LANE 8  // headDim <= 256
#define NDD_ATTENTION_WARPS 4

__device__ __forceinline__ const float* ndd_cache_row(const float* pool, const int* pageTable,
                                                      int position, int pageSize, int kvWidth) {
  int page = pageTable[position / pageSize];
  return pool + ((long)page * pageSize + position % pageSize) * kvWidth;
}

// Grid: (rows of this sequence's chunk, query heads); block: 4 warps (128 threads). Each warp runs
// an online softmax over every 4th key; the warps' partial results are merged at the end. q, k, v
// and out are the batch's activation matrices; rowOffset is the sequence's first row in them.
extern "C" __global__ void ndd_attention(
    const float* q, const float* k, const float* v, const float* kPool, const float* vPool,
    const int* pageTable, int past, int pageSize, const int* visibleLo, const int* visibleHi,
    const int* bitsOffset, const unsigned* bits, int rowOffset, int rows, int heads,
    int kvHeads, int headDim, float scale, float* out) {
  int i = blockIdx.x, h = blockIdx.y;
  int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  int kvWidth = kvHeads * headDim;
  int kvh = h / (heads / kvHeads);
  int queryWidth = heads * headDim;
  int row = rowOffset + i;
  const float* qr = q + (long)row * queryWidth + h * headDim;

  float qd[NDD_MAX_DIMS_PER_LANE];
  float acc[NDD_MAX_DIMS_PER_LANE];
#pragma unroll
  for (int t = 0; t < NDD_MAX_DIMS_PER_LANE; t++) {
    int d = lane + 32 * t;
    qd[t] = d < headDim ? qr[d] : 0.f;
    acc[t] = 0.f;
  }
  float m = -INFINITY, l = 0.f;
  int lo = visibleLo[i], hi = visibleHi[i], off = bitsOffset[i];
  int total = past + (hi - lo);
  for (int j = warp; j < total; j += NDD_ATTENTION_WARPS) {
    const float* kr;
    const float* vr;
    if (j < past) {
      kr = ndd_cache_row(kPool, pageTable, j, pageSize, kvWidth) + kvh * headDim;
      vr = ndd_cache_row(vPool, pageTable, j, pageSize, kvWidth) + kvh * headDim;
    } else {
      int key = lo + (j - past);
      if (off >= 0 && !((bits[off + (key >> 5)] >> (key & 31)) & 1u)) continue;
      kr = k + ((long)(rowOffset + key)) * kvWidth + kvh * headDim;
      vr = v + ((long)(rowOffset + key)) * kvWidth + kvh * headDim;
    }
    float dot = 0.f;
#pragma unroll
    for (int t = 0; t < NDD_MAX_DIMS_PER_LANE; t++) {
      int d = lane + 32 * t;
      if (d < headDim) dot += qd[t] * kr[d];
    }
    float s = ndd_warp_sum(dot) * scale;
    float mNew = fmaxf(m, s);
    float correction = expf(m - mNew);
    float p = expf(s - mNew);
    l = l * correction + p;
#pragma unroll
    for (int t = 0; t < NDD_MAX_DIMS_PER_LANE; t++) {
      int d = lane + 32 * t;
      acc[t] = acc[t] * correction + (d < headDim ? p * vr[d] : 0.f);
    }
    m = mNew;
  }

  __shared__ float warpMax[NDD_ATTENTION_WARPS];
  __shared__ float warpSum[NDD_ATTENTION_WARPS];
  __shared__ float warpAcc[NDD_ATTENTION_WARPS][32 * NDD_MAX_DIMS_PER_LANE];
  if (lane == 0) {
    warpMax[warp] = m;
    warpSum[warp] = l;
  }
#pragma unroll
  for (int t = 0; t < NDD_MAX_DIMS_PER_LANE; t++) warpAcc[warp][lane + 32 * t] = acc[t];
  __syncthreads();
  if (warp == 0) {
    float mAll = -INFINITY;
    for (int w = 0; w < NDD_ATTENTION_WARPS; w++) mAll = fmaxf(mAll, warpMax[w]);
    float lAll = 0.f;
    float weight[NDD_ATTENTION_WARPS];
    for (int w = 0; w < NDD_ATTENTION_WARPS; w++) {
      weight[w] = warpMax[w] == -INFINITY ? 0.f : expf(warpMax[w] - mAll);
      lAll += warpSum[w] * weight[w];
    }
    float* o = out + (long)row * queryWidth + h * headDim;
#pragma unroll
    for (int t = 0; t < NDD_MAX_DIMS_PER_LANE; t++) {
      int d = lane + 32 * t;
      if (d < headDim) {
        float a = 0.f;
        for (int w = 0; w < NDD_ATTENTION_WARPS; w++) a += warpAcc[w][d] * weight[w];
        o[d] = a / lAll;
      }
    }
  }
}

// Appends the K/V of `count` chunk rows (rowOffset + writeRows[w]) to the cache at positions
// first + w. Grid: count; block: up to 256 threads striding over kvWidth.
extern "C" __global__ void ndd_kv_write(const float* k, const float* v, float* kPool,
                                        float* vPool, const int* pageTable, const int* writeRows,
                                        int rowOffset, int first, int pageSize, int kvWidth) {
  int w = blockIdx.x;
  int position = first + w;
  long src = (long)(rowOffset + writeRows[w]) * kvWidth;
  long dst = ((long)pageTable[position / pageSize] * pageSize + position % pageSize) * kvWidth;
  for (int c = threadIdx.x; c < kvWidth; c += blockDim.x) {
    kPool[dst + c] = k[src + c];
    vPool[dst + c] = v[src + c];
  }
}

// Copies `count` positions of one layer's cache into dense [count, kvWidth] rows (reading a
// sequence's K/V back for tests and for KvCache.keys). Grid: count.
extern "C" __global__ void ndd_kv_read(const float* pool, const int* pageTable, int first,
                                       int pageSize, int kvWidth, float* out) {
  int position = first + blockIdx.x;
  const float* src = ndd_cache_row(pool, pageTable, position, pageSize, kvWidth);
  for (int c = threadIdx.x; c < kvWidth; c += blockDim.x) out[(long)blockIdx.x * kvWidth + c] = src[c];
}
