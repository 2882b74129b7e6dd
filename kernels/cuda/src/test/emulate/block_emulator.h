// Runs CUDA blocks on the CPU, one host thread per CUDA thread, so that sampling.cu's kernels can
// be executed (slowly) on a machine without a GPU: __shared__ variables are function statics,
// __syncthreads is a barrier over the block, a warp shuffle is an exchange behind a barrier over the
// warp. Enough for kernels that use only those (sampling.cu); not a general CUDA emulator.
#pragma once
#include <atomic>
#include <barrier>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <thread>
#include <vector>

struct dim3 {
  unsigned x = 1, y = 1, z = 1;
};
inline thread_local dim3 threadIdx;
inline dim3 blockDim, blockIdx;

#define __global__
#define __device__
#define __forceinline__ inline
#define __shared__ static

namespace ndd_emulator {
inline std::unique_ptr<std::barrier<>> block;
inline std::vector<std::unique_ptr<std::barrier<>>> warps;
inline float lanes[32][32];
}  // namespace ndd_emulator

inline void __syncthreads() { ndd_emulator::block->arrive_and_wait(); }

inline float __shfl_xor_sync(unsigned, float v, int laneMask) {
  int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  ndd_emulator::lanes[warp][lane] = v;
  ndd_emulator::warps[warp]->arrive_and_wait();
  float other = ndd_emulator::lanes[warp][lane ^ laneMask];
  ndd_emulator::warps[warp]->arrive_and_wait();
  return other;
}

inline int atomicCAS(int* address, int compare, int value) {
  std::atomic_ref<int>(*address).compare_exchange_strong(compare, value);
  return compare;
}

inline int __float_as_int(float f) {
  int i;
  std::memcpy(&i, &f, 4);
  return i;
}
inline float __int_as_float(int i) {
  float f;
  std::memcpy(&f, &i, 4);
  return f;
}
inline float __uint_as_float(uint32_t i) {
  float f;
  std::memcpy(&f, &i, 4);
  return f;
}
using std::isfinite;
using std::min;

// Runs `kernel` as `grid` blocks of `threads` threads (a multiple of 32, at most 1024), one block
// after the other.
template <typename Kernel>
void ndd_emulate(int grid, int threads, Kernel kernel) {
  blockDim.x = threads;
  for (int b = 0; b < grid; b++) {
    blockIdx.x = b;
    ndd_emulator::block = std::make_unique<std::barrier<>>(threads);
    ndd_emulator::warps.clear();
    for (int w = 0; w < threads / 32; w++) {
      ndd_emulator::warps.push_back(std::make_unique<std::barrier<>>(32));
    }
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; t++) {
      pool.emplace_back([t, &kernel] {
        threadIdx.x = t;
        kernel();
      });
    }
    for (auto& thread : pool) thread.join();
  }
}
