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

// The tokens a sample keeps are those before a cut in the host picker's order (logit descending,
// ties by increasing id): logit > v, or logit == v and id <= cut (cut = INT_MAX: every tie at v).
__device__ __forceinline__ bool ndd_kept(const float* x, int i, int excluded, float v, int cut) {
  return i != excluded && (x[i] > v || (x[i] == v && i <= cut));
}

// Count (and probability mass at the temperature) of the row's kept tokens.
__device__ void ndd_kept_totals(const float* x, int vocab, int excluded, float v, int cut, float m,
                                float temperature, float* count, float* mass) {
  float c = 0.f, p = 0.f;
  for (int i = threadIdx.x; i < vocab; i += blockDim.x) {
    if (ndd_kept(x, i, excluded, v, cut)) {
      c += 1.f;
      p += expf((x[i] - m) / temperature);
    }
  }
  *count = ndd_block_sum(c);
  *mass = ndd_block_sum(p);
}

#define NDD_KEPT_MASS 0  // weight: a kept token's probability mass
#define NDD_TIE_COUNT 1  // weight: 1 for a token at exactly v with id <= cut
#define NDD_TIE_MASS 2   // weight: the mass of a token at exactly v with id <= cut

__device__ __forceinline__ float ndd_weight(const float* x, int i, int excluded, float v, int cut,
                                            float m, float temperature, int mode) {
  if (mode == NDD_KEPT_MASS) {
    return ndd_kept(x, i, excluded, v, cut) ? expf((x[i] - m) / temperature) : 0.f;
  }
  if (i == excluded || x[i] != v || i > cut) return 0.f;
  return mode == NDD_TIE_COUNT ? 1.f : expf((x[i] - m) / temperature);
}

// The first id, in increasing order, at which base + the running sum of the weights passes target
// (strict: > target, else >= target), or -1 when the row's total falls short of it (rounding).
// Each thread sums a contiguous slice of ids; thread 0 scans the slice sums; the one thread whose
// interval the target falls in walks its slice. The intervals partition the scan exactly (thread 0
// formed each end with the same float addition), but the walk sums from the interval's start and
// may round short of the target: then the slice's last weighted id is the one.
__device__ int ndd_first_passing(const float* x, int vocab, int excluded, float v, int cut,
                                 float m, float temperature, int mode, float base, float target,
                                 bool strict) {
  int per = (vocab + blockDim.x - 1) / blockDim.x;
  int from = threadIdx.x * per, to = min(vocab, from + per);
  float mine = 0.f;
  for (int i = from; i < to; i++) mine += ndd_weight(x, i, excluded, v, cut, m, temperature, mode);
  __shared__ float prefix[NDD_PICK_THREADS];
  __shared__ int found;
  prefix[threadIdx.x] = mine;
  if (threadIdx.x == 0) found = -1;
  __syncthreads();
  if (threadIdx.x == 0) {  // exclusive scan; 1024 adds once per call
    float run = base;
    for (int t = 0; t < (int)blockDim.x; t++) {
      float w = prefix[t];
      prefix[t] = run;
      run += w;
    }
  }
  __syncthreads();
  float run = prefix[threadIdx.x];
  float end = run + mine;
  bool here = strict ? (target >= run && target < end) : (target > run && target <= end);
  if (here) {
    int chosen = -1;
    for (int i = from; i < to; i++) {
      float w = ndd_weight(x, i, excluded, v, cut, m, temperature, mode);
      if (w > 0.f) {
        chosen = i;
        run += w;
        if (strict ? target < run : target <= run) break;
      }
    }
    atomicCAS(&found, -1, chosen);
  }
  __syncthreads();
  int out = found;
  __syncthreads();  // `found` and `prefix` are reused by the next call
  return out;
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
// "Largest" is the CPU picker's order, logit descending and ties by increasing id, so the kept
// set is the CPU's: each cut is a logit value found by bisection over the float order (exact: the
// k-th largest logit itself), then an id among the tokens tied at it. uniforms[b] in [0, 1) is the
// row's random draw, made on the host from the request's seed and the token's position exactly as
// the CPU picker draws it, and turned into a token by the inverse CDF over the kept tokens in
// increasing id order, as on the CPU; only fp32 rounding can make the two differ.
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
  const int all = 0x7fffffff;
  float localMax = -INFINITY, localMin = INFINITY;
  for (int i = threadIdx.x; i < vocab; i += blockDim.x) {
    if (i == excluded) continue;
    localMax = fmaxf(localMax, x[i]);
    localMin = fminf(localMin, x[i]);
  }
  float m = ndd_block_max(localMax);
  float lowest = -ndd_block_max(-localMin);
  float count, mass;
  float v = lowest;  // kept: logit > v, or logit == v and id <= cut
  int cut = all;
  ndd_kept_totals(x, vocab, excluded, v, cut, m, temperature, &count, &mass);
  // Keys past the largest logit keep nothing: count 0 < topK, mass 0 < topP * kept.
  long long above = (long long)ndd_float_key(m) + 1;
  if (topK > 0 && topK < count) {
    // The topK-th largest logit: the largest value keeping at least topK tokens.
    long long lo = ndd_float_key(lowest), hi = above;  // count(lo) >= topK > count(hi)
    while (hi - lo > 1) {
      long long mid = lo + (hi - lo) / 2;
      ndd_kept_totals(x, vocab, excluded, ndd_key_float((int)mid), all, m, temperature, &count,
                      &mass);
      if (count >= topK) lo = mid; else hi = mid;
    }
    v = ndd_key_float((int)lo);
    // Of the tokens tied at v, the lowest ids make up the topK.
    ndd_kept_totals(x, vocab, excluded, ndd_key_float((int)(lo + 1)), all, m, temperature, &count,
                    &mass);
    cut = ndd_first_passing(x, vocab, excluded, v, all, m, temperature, NDD_TIE_COUNT, count,
                            (float)topK, false);
    if (cut < 0) cut = all;
    ndd_kept_totals(x, vocab, excluded, v, cut, m, temperature, &count, &mass);
  }
  if (topP < 1.f) {
    // Then the first token, in the same order, at which the kept mass reaches topP of it.
    float goal = topP * mass;
    long long first = ndd_float_key(v);
    long long lo = first, hi = above;  // mass(lo) >= goal > mass(hi)
    while (hi - lo > 1) {
      long long mid = lo + (hi - lo) / 2;
      // Above v every token the bisection counts is kept by the top-k cut too.
      ndd_kept_totals(x, vocab, excluded, ndd_key_float((int)mid), all, m, temperature, &count,
                      &mass);
      if (mass >= goal) lo = mid; else hi = mid;
    }
    int tiesUpTo = lo == first ? cut : all;
    v = ndd_key_float((int)lo);
    ndd_kept_totals(x, vocab, excluded, ndd_key_float((int)(lo + 1)), all, m, temperature, &count,
                    &mass);
    int c = ndd_first_passing(x, vocab, excluded, v, tiesUpTo, m, temperature, NDD_TIE_MASS, mass,
                              goal, false);
    cut = c < 0 ? tiesUpTo : c;
    ndd_kept_totals(x, vocab, excluded, v, cut, m, temperature, &count, &mass);
  }
  // Inverse CDF in id order: the first kept id whose cumulative mass passes u * mass.
  __shared__ int picked;
  int id = ndd_first_passing(x, vocab, excluded, v, cut, m, temperature, NDD_KEPT_MASS, 0.f,
                             uniforms[blockIdx.x] * mass, true);
  if (threadIdx.x == 0) {
    picked = id;
    if (picked < 0) {
      // Rounding left the target past the last kept token: take the last one.
      for (int i = vocab - 1; i >= 0; i--) {
        if (ndd_kept(x, i, excluded, v, cut)) {
          picked = i;
          break;
        }
      }
    }
  }
  __syncthreads();
  id = picked;  // -1 only for a row with no token but the excluded one
  float c = id < 0 ? 0.f : ndd_softmax_at(x, vocab, id);
  if (threadIdx.x == 0) {
    ids[blockIdx.x] = id;
    confidence[blockIdx.x] = c;
  }
}
