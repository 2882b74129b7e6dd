// Token choice on the device, so that only picked ids and their confidences come back to the
// host, never [rows, vocab] logits. One block of 1024 threads per picked row; rows[b] names the
// row of the [*, vocab] logit matrix that block b reads, so one launch serves any subset of a
// forward's rows (a diffusion block's masked slots, a speculation round's verify rows).
//
// Every kernel writes ids[b] = -1 for a row holding a NaN or an infinity: the host then reads that
// one row back and reports the offending token the way the CPU picker does.
#include "common.cuh"

#define NDD_PICK_THREADS 1024

// Whether the row has a non-finite logit (every thread gets the answer).
__device__ bool ndd_row_broken(const float* x, int vocab) {
  float bad = 0.f;
  for (int i = threadIdx.x; i < vocab; i += blockDim.x) {
    if (!isfinite(x[i])) bad = 1.f;
  }
  return ndd_block_max(bad) > 0.f;
}

// softmax(x)[id] over the whole raw row (MODEL.md §6.2's confidence, temperature not applied).
__device__ float ndd_softmax_at(const float* x, int vocab, int id) {
  float localMax = -INFINITY;
  for (int i = threadIdx.x; i < vocab; i += blockDim.x) localMax = fmaxf(localMax, x[i]);
  float m = ndd_block_max(localMax);
  float sum = 0.f;
  for (int i = threadIdx.x; i < vocab; i += blockDim.x) sum += expf(x[i] - m);
  sum = ndd_block_sum(sum);
  return expf(x[id] - m) / sum;
}

// ids[b] = argmax of logits[rows[b]] except `excluded` (the mask token; -1 for none), the lowest
// id on ties; confidence[b] = softmax(logits[rows[b]])[ids[b]] over the whole row.
extern "C" __global__ void ndd_argmax(const float* logits, const int* rows, int vocab,
                                      int excluded, int* ids, float* confidence) {
  const float* x = logits + (long)rows[blockIdx.x] * vocab;
  if (ndd_row_broken(x, vocab)) {
    if (threadIdx.x == 0) {
      ids[blockIdx.x] = -1;
      confidence[blockIdx.x] = 0.f;
    }
    return;
  }
  float best = -INFINITY;
  int bestId = 0x7fffffff;
  for (int i = threadIdx.x; i < vocab; i += blockDim.x) {
    float v = x[i];
    if (i != excluded && (v > best || (v == best && i < bestId))) {
      best = v;
      bestId = i;
    }
  }
  __shared__ float bestValue[NDD_PICK_THREADS];
  __shared__ int bestIndex[NDD_PICK_THREADS];
  bestValue[threadIdx.x] = best;
  bestIndex[threadIdx.x] = bestId;
  __syncthreads();
  for (int s = blockDim.x >> 1; s > 0; s >>= 1) {
    if (threadIdx.x < s) {
      float ov = bestValue[threadIdx.x + s];
      int oi = bestIndex[threadIdx.x + s];
      if (ov > bestValue[threadIdx.x] ||
          (ov == bestValue[threadIdx.x] && oi < bestIndex[threadIdx.x])) {
        bestValue[threadIdx.x] = ov;
        bestIndex[threadIdx.x] = oi;
      }
    }
    __syncthreads();
  }
  int id = bestIndex[0];
  float c = ndd_softmax_at(x, vocab, id);
  if (threadIdx.x == 0) {
    ids[blockIdx.x] = id;
    confidence[blockIdx.x] = c;
  }
}

// Count (and probability mass) of the row's tokens whose logit is >= threshold.
__device__ void ndd_at_least(const float* x, int vocab, int excluded, float threshold, float m,
                             float temperature, float* count, float* mass) {
  float c = 0.f, p = 0.f;
  for (int i = threadIdx.x; i < vocab; i += blockDim.x) {
    if (i != excluded && x[i] >= threshold) {
      c += 1.f;
      p += expf((x[i] - m) / temperature);
    }
  }
  *count = ndd_block_sum(c);
  *mass = ndd_block_sum(p);
}

// A float's position in the total order of floats as an int (monotone: a < b as floats implies
// key(a) < key(b)), and back: bisection over keys finds an exact logit value in at most 33 steps.
__device__ __forceinline__ int ndd_float_key(float f) {
  int bits = __float_as_int(f);
  return bits >= 0 ? bits : bits ^ 0x7fffffff;
}

__device__ __forceinline__ float ndd_key_float(int key) {
  return __int_as_float(key >= 0 ? key : key ^ 0x7fffffff);
}

// Samples ids[b] from softmax(logits[rows[b]] / temperature) restricted to the topK largest logits
// (0: all) and then to the smallest set of largest logits whose probability reaches topP (1: all),
// never `excluded`; confidence[b] is softmax of the raw row at the sampled id (as for argmax).
// uniforms[b] in [0, 1) is the row's random draw, made on the host from the request's seed and
// the token's position exactly as the CPU picker draws it, and turned into a token by the inverse
// CDF over the kept tokens in increasing id order, as on the CPU. Each cut is a logit value found
// by bisection over the float order (exact: the k-th largest logit itself), and keeps every token
// tied at it.
extern "C" __global__ void ndd_sample(const float* logits, const int* rows, int vocab,
                                      int excluded, float temperature, int topK, float topP,
                                      const float* uniforms, int* ids, float* confidence) {
  const float* x = logits + (long)rows[blockIdx.x] * vocab;
  if (ndd_row_broken(x, vocab)) {
    if (threadIdx.x == 0) {
      ids[blockIdx.x] = -1;
      confidence[blockIdx.x] = 0.f;
    }
    return;
  }
  float localMax = -INFINITY, localMin = INFINITY;
  for (int i = threadIdx.x; i < vocab; i += blockDim.x) {
    if (i == excluded) continue;
    localMax = fmaxf(localMax, x[i]);
    localMin = fminf(localMin, x[i]);
  }
  float m = ndd_block_max(localMax);
  float lowest = -ndd_block_max(-localMin);
  float count, mass, totalCount, totalMass;
  ndd_at_least(x, vocab, excluded, lowest, m, temperature, &totalCount, &totalMass);
  // Keys past the largest logit keep nothing: count(above) = 0 < topK, mass(above) = 0.
  long long above = (long long)ndd_float_key(m) + 1;
  // The largest threshold keeping at least topK tokens: the topK-th largest logit.
  float threshold = lowest;
  if (topK > 0 && topK < totalCount) {
    long long lo = ndd_float_key(lowest), hi = above;  // count(lo) >= topK > count(hi)
    while (hi - lo > 1) {
      long long mid = lo + (hi - lo) / 2;
      ndd_at_least(x, vocab, excluded, ndd_key_float((int)mid), m, temperature, &count, &mass);
      if (count >= topK) lo = mid; else hi = mid;
    }
    threshold = ndd_key_float((int)lo);
  }
  ndd_at_least(x, vocab, excluded, threshold, m, temperature, &count, &mass);
  // Then the largest threshold whose kept mass still reaches topP of the top-k mass.
  if (topP < 1.f) {
    float keptMass = mass;
    long long lo = ndd_float_key(threshold), hi = above;  // mass(lo) >= topP * kept > mass(hi)
    while (hi - lo > 1) {
      long long mid = lo + (hi - lo) / 2;
      ndd_at_least(x, vocab, excluded, ndd_key_float((int)mid), m, temperature, &count, &mass);
      if (mass >= topP * keptMass) lo = mid; else hi = mid;
    }
    threshold = ndd_key_float((int)lo);
    ndd_at_least(x, vocab, excluded, threshold, m, temperature, &count, &mass);
  }
  // Inverse CDF in id order: each thread owns a contiguous slice of the vocabulary.
  float target = uniforms[blockIdx.x] * mass;
  int per = (vocab + blockDim.x - 1) / blockDim.x;
  int from = threadIdx.x * per, to = min(vocab, from + per);
  float mine = 0.f;
  for (int i = from; i < to; i++) {
    if (i != excluded && x[i] >= threshold) mine += expf((x[i] - m) / temperature);
  }
  __shared__ float prefix[NDD_PICK_THREADS];
  __shared__ int picked;
  prefix[threadIdx.x] = mine;
  if (threadIdx.x == 0) picked = -1;
  __syncthreads();
  if (threadIdx.x == 0) {  // exclusive scan; 1024 adds once per row
    float run = 0.f;
    for (int t = 0; t < (int)blockDim.x; t++) {
      float v = prefix[t];
      prefix[t] = run;
      run += v;
    }
  }
  __syncthreads();
  float run = prefix[threadIdx.x];
  if (target >= run && target < run + mine) {
    // The intervals [prefix, prefix + mine) partition the scan exactly (thread 0 formed each end
    // with the same float addition), so one thread walks; its walk sums from `run`, not from 0,
    // and may round short of the target: then its last kept token is the one.
    int chosen = -1;
    for (int i = from; i < to; i++) {
      if (i != excluded && x[i] >= threshold) {
        chosen = i;
        run += expf((x[i] - m) / temperature);
        if (target < run) break;
      }
    }
    atomicCAS(&picked, -1, chosen);
  }
  __syncthreads();
  if (threadIdx.x == 0 && picked < 0) {
    // Rounding left the target past the last kept token: take the last one.
    for (int i = vocab - 1; i >= 0; i--) {
      if (i != excluded && x[i] >= threshold) {
        picked = i;
        break;
      }
    }
  }
  __syncthreads();
  int id = picked;  // -1 only for a row with no token but the excluded one
  float c = id < 0 ? 0.f : ndd_softmax_at(x, vocab, id);
  if (threadIdx.x == 0) {
    ids[blockIdx.x] = id;
    confidence[blockIdx.x] = c;
  }
}
