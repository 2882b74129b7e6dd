/*
 * CPU matmul kernels of the runtime, called from Java through FFM (engine/cpu/NativeKernels).
 *
 * One source, compiled once per instruction-set level by build-native.sh: -mavx2 -mfma -mf16c gives
 * 8-float vectors (libndd_cpu_avx2.so), -mavx512f/bw/vl/dq 16-float vectors (libndd_cpu_avx512.so).
 *
 * Summation order (why the code looks the way it does): the Java kernels (VectorKernels,
 * VectorQuantizedKernels) compute every output element as ONE accumulator vector of L lanes fed by
 * lane-wise FMAs over the input in consecutive L-wide chunks, then a fixed butterfly over the lanes
 * (lane i + lane i^(L/2), then i^(L/4), ... down to 1), then a scalar tail (sum of w*x, each product
 * rounded, starting from 0) added last. That order is what keeps a row's logits independent of the
 * other rows in its batch. These kernels keep exactly that order per output element, so they give the
 * Java kernels' bits; any blocking ACROSS outputs and input rows is free and is where the speed comes
 * from. Built with -ffp-contract=off so that the compiler fuses no scalar multiply-add on its own.
 */
#include <immintrin.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define EXPORT __attribute__((visibility("default")))
#define INLINE static inline __attribute__((always_inline))

#if defined(__AVX512F__)
#define L 16
typedef __m512 vf;
INLINE vf vzero(void) { return _mm512_setzero_ps(); }
INLINE vf vload(const float *p) { return _mm512_loadu_ps(p); }
INLINE void vstore(float *p, vf v) { _mm512_storeu_ps(p, v); }
INLINE vf vset1(float s) { return _mm512_set1_ps(s); }
INLINE vf vfma(vf a, vf b, vf c) { return _mm512_fmadd_ps(a, b, c); }
INLINE vf vmul(vf a, vf b) { return _mm512_mul_ps(a, b); }
/* L BF16 values at p (any alignment) to floats: widen, shift into the upper half. */
INLINE vf vbf16(const void *p) {
  __m512i w = _mm512_cvtepu16_epi32(_mm256_loadu_si256((const __m256i *)p));
  return _mm512_castsi512_ps(_mm512_slli_epi32(w, 16));
}
/* L signed bytes at p to floats. */
INLINE vf vi8(const void *p) {
  return _mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(_mm_loadu_si128((const __m128i *)p)));
}
/* L bytes at p zero-extended to ints. */
INLINE __m512i vu8(const void *p) { return _mm512_cvtepu8_epi32(_mm_loadu_si128((const __m128i *)p)); }
INLINE __m512i iand(__m512i a, int m) { return _mm512_and_si512(a, _mm512_set1_epi32(m)); }
INLINE __m512i isrl(__m512i a, int s) { return _mm512_srli_epi32(a, s); }
INLINE __m512i isub(__m512i a, int s) { return _mm512_sub_epi32(a, _mm512_set1_epi32(s)); }
INLINE vf itof(__m512i a) { return _mm512_cvtepi32_ps(a); }
/* E4M3 codes (L bytes at p) to their exact values, as VectorQuantizedKernels.e4m3 computes them. */
INLINE vf ve4m3(const void *p) {
  __m512i v = vu8(p);
  __m512i mag = iand(v, 0x7F);
  __m512i bits = _mm512_or_si512(_mm512_slli_epi32(mag, 20), _mm512_slli_epi32(iand(v, 0x80), 24));
  vf value = _mm512_mul_ps(_mm512_castsi512_ps(bits), vset1(0x1p120f));
  __mmask16 nan = _mm512_cmpeq_epi32_mask(mag, _mm512_set1_epi32(0x7F));
  return _mm512_mask_mov_ps(value, nan, vset1(__builtin_nanf("")));
}
/* The butterfly over 16 lanes: 8 apart, then the 8-lane butterfly. */
INLINE float hsum(vf v) {
  __m256 h = _mm256_add_ps(_mm512_castps512_ps256(v), _mm512_extractf32x8_ps(v, 1));
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(h), _mm256_extractf128_ps(h, 1));
  __m128 t = _mm_add_ps(s, _mm_movehl_ps(s, s));
  return _mm_cvtss_f32(_mm_add_ss(t, _mm_shuffle_ps(t, t, 1)));
}
#else
#define L 8
typedef __m256 vf;
INLINE vf vzero(void) { return _mm256_setzero_ps(); }
INLINE vf vload(const float *p) { return _mm256_loadu_ps(p); }
INLINE void vstore(float *p, vf v) { _mm256_storeu_ps(p, v); }
INLINE vf vset1(float s) { return _mm256_set1_ps(s); }
INLINE vf vfma(vf a, vf b, vf c) { return _mm256_fmadd_ps(a, b, c); }
INLINE vf vmul(vf a, vf b) { return _mm256_mul_ps(a, b); }
INLINE vf vbf16(const void *p) {
  __m256i w = _mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)p));
  return _mm256_castsi256_ps(_mm256_slli_epi32(w, 16));
}
INLINE vf vi8(const void *p) {
  return _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *)p)));
}
INLINE __m256i vu8(const void *p) { return _mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)p)); }
INLINE __m256i iand(__m256i a, int m) { return _mm256_and_si256(a, _mm256_set1_epi32(m)); }
INLINE __m256i isrl(__m256i a, int s) { return _mm256_srli_epi32(a, s); }
INLINE __m256i isub(__m256i a, int s) { return _mm256_sub_epi32(a, _mm256_set1_epi32(s)); }
INLINE vf itof(__m256i a) { return _mm256_cvtepi32_ps(a); }
INLINE vf ve4m3(const void *p) {
  __m256i v = vu8(p);
  __m256i mag = iand(v, 0x7F);
  __m256i bits = _mm256_or_si256(_mm256_slli_epi32(mag, 20), _mm256_slli_epi32(iand(v, 0x80), 24));
  vf value = _mm256_mul_ps(_mm256_castsi256_ps(bits), vset1(0x1p120f));
  __m256 nan = _mm256_castsi256_ps(_mm256_cmpeq_epi32(mag, _mm256_set1_epi32(0x7F)));
  return _mm256_blendv_ps(value, vset1(__builtin_nanf("")), nan);
}
/* The butterfly over 8 lanes: lane i + lane i^4, then i^2, then i^1; lane 0 is the sum. */
INLINE float hsum(vf v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  __m128 t = _mm_add_ps(s, _mm_movehl_ps(s, s));
  return _mm_cvtss_f32(_mm_add_ss(t, _mm_shuffle_ps(t, t, 1)));
}
#endif

/* Storage formats, as NativeKernels passes them. */
enum { DT_F32 = 0, DT_BF16 = 1, DT_F16 = 2 };
enum { Q_INT8 = 0, Q_INT4 = 1, Q_FP8 = 2 };

static inline float bf16_to_float(uint16_t h) {
  uint32_t bits = (uint32_t)h << 16;
  float f;
  memcpy(&f, &bits, 4);
  return f;
}

static inline float scalar_at(const void *base, int dtype, int64_t index) {
  const uint8_t *p = (const uint8_t *)base;
  switch (dtype) {
    case DT_BF16: {
      uint16_t h;
      memcpy(&h, p + 2 * index, 2);
      return bf16_to_float(h);
    }
    case DT_F16: {
      uint16_t h;
      memcpy(&h, p + 2 * index, 2);
      return _cvtsh_ss(h); /* exact, as Float.float16ToFloat */
    }
    default: {
      float f;
      memcpy(&f, p + 4 * index, 4);
      return f;
    }
  }
}

/* E4M3 to float, exactly (the scalar tail of fp8 rows). */
static inline float e4m3_to_float(uint8_t code) {
  int mag = code & 0x7F;
  if (mag == 0x7F) return __builtin_nanf("");
  uint32_t bits = ((uint32_t)mag << 20) | ((uint32_t)(code & 0x80) << 24);
  float f;
  memcpy(&f, &bits, 4);
  return f * 0x1p120f;
}

/* ---------------------------------------------------------------------------------------------- */
/* Quantized weights (inference-pod/WEIGHT-FORMATS.md): value(j, c) = code(j, c) * scale[j, c / B].  */

/* Where weights come from: storage format, bytes, width and, when quantized, the scales. */
typedef struct {
  int kind; /* K_F32, K_BF16, K_INT8, K_INT4, K_FP8 */
  const uint8_t *data;
  int64_t n;
  const void *scales;
  int scale_dtype;
  int64_t scale_stride; /* scales per row; 0: one for the tensor */
  int64_t block;
} source;
enum { K_F32, K_BF16, K_INT8, K_INT4, K_FP8 };

static inline float qscale(const source *t, int64_t row, int64_t blk) {
  return scalar_at(t->scales, t->scale_dtype, row * t->scale_stride + blk);
}

/*
 * Elements [k0, k1) of weight row j as fp32 into dst[0 .. k1 - k0): exact for float storage, code *
 * scale (one rounding) for quantized, as the Java decode / dequantizeRow. k0 is a multiple of the
 * block for int8/int4 (and k1 then too, since n is).
 */
static void decode_range(const source *s, int64_t j, int64_t k0, int64_t k1, float *dst) {
  int64_t n = s->n, len = k1 - k0, vlen = len - len % L, i = 0;
  switch (s->kind) {
    case K_F32:
      memcpy(dst, (const float *)s->data + j * n + k0, (size_t)len * sizeof(float));
      return;
    case K_BF16: {
      const uint16_t *p = (const uint16_t *)s->data + j * n + k0;
      for (; i < vlen; i += L) vstore(dst + i, vbf16(p + i));
      for (; i < len; i++) dst[i] = bf16_to_float(p[i]);
      return;
    }
    case K_INT8: {
      const uint8_t *c = s->data + j * n;
      for (int64_t b = k0 / s->block; b < k1 / s->block; b++) {
        vf sc = vset1(qscale(s, j, b));
        for (int64_t c0 = b * s->block; c0 < (b + 1) * s->block; c0 += L)
          vstore(dst + c0 - k0, vmul(vi8(c + c0), sc));
      }
      return;
    }
    case K_INT4: {
      int64_t block = s->block, half = block / 2;
      const uint8_t *c = s->data + j * (n / 2);
      for (int64_t b = k0 / block; b < k1 / block; b++) {
        vf sc = vset1(qscale(s, j, b));
        const uint8_t *bytes = c + b * half;
        float *d = dst + b * block - k0;
        for (int64_t k = 0; k < half; k += L) {
          vstore(d + k, vmul(itof(isub(iand(vu8(bytes + k), 0x0F), 8)), sc));
          vstore(d + half + k, vmul(itof(isub(iand(isrl(vu8(bytes + k), 4), 0x0F), 8)), sc));
        }
      }
      return;
    }
    default: { /* K_FP8: one scale per row (or tensor) */
      const uint8_t *c = s->data + j * n + k0;
      float scf = qscale(s, j, 0);
      vf sc = vset1(scf);
      for (; i < vlen; i += L) vstore(dst + i, vmul(ve4m3(c + i), sc));
      for (; i < len; i++) dst[i] = e4m3_to_float(c[i]) * scf;
      return;
    }
  }
}

/* ---------------------------------------------------------------------------------------------- */
/* Many input rows (compute-bound). The weights are decoded to fp32 a block of KB inputs of           */
/* PANEL_ROWS rows at a time into a small per-thread panel (L1/L2-resident); every TILE_W x TILE_X    */
/* register tile (weight rows x input rows) then runs over the block. A tile's accumulators are      */
/* parked in memory between blocks (stored as they are: exact), so each output still sees its chunks */
/* in order, then the butterfly, then the tail.                                                       */

#ifndef KB
#define KB 512 /* inputs per block: a multiple of 64 (the int8/int4 block sizes) */
#endif
#ifndef PANEL_ROWS
#define PANEL_ROWS 24 /* weight rows per panel: a multiple of TILE_W */
#endif
#define TILE_W 3 /* weight rows per register tile */
#define TILE_X 4 /* input rows per register tile */

/*
 * Per-thread buffers: the decoded panel, the parked accumulators and a pass's scales. Kept between
 * calls (the worker threads call thousands of times per second), freed when the thread exits (the
 * JVM's pool retires idle workers).
 */
typedef struct {
  float *panel;
  vf *park;
  size_t park_cap;
  float *scales;
  size_t scale_cap;
} buffers;

static pthread_key_t buffers_key;
static pthread_once_t buffers_once = PTHREAD_ONCE_INIT;

static void free_buffers(void *p) {
  buffers *b = p;
  free(b->panel);
  free(b->park);
  free(b->scales);
  free(b);
}

static void make_buffers_key(void) { pthread_key_create(&buffers_key, free_buffers); }

static buffers *my_buffers(void) {
  pthread_once(&buffers_once, make_buffers_key);
  buffers *b = pthread_getspecific(buffers_key);
  if (!b) {
    b = calloc(1, sizeof *b);
    if (b && pthread_setspecific(buffers_key, b) != 0) {
      free(b);
      b = NULL;
    }
  }
  return b;
}

static float *panel(buffers *b) {
  if (!b->panel) b->panel = aligned_alloc(64, (size_t)PANEL_ROWS * KB * sizeof(float));
  return b->panel;
}

static vf *park(buffers *b, size_t vectors) {
  if (vectors > b->park_cap) {
    free(b->park);
    b->park = aligned_alloc(64, vectors * sizeof(vf));
    b->park_cap = b->park ? vectors : 0;
  }
  return b->park;
}

/*
 * A TA x TB tile over the inputs [k0, k1) of one block: w holds the block of TA weight rows (row
 * stride KB, input k0 at w[0]), x the TB input rows (stride n, input 0 at x[0]). Accumulators come
 * from parked (zero when first) and go back to it, except when last: then the block also holds the
 * scalar tail [k1, n) and out[b * outDim + a] = butterfly(acc) + tail is written.
 */
INLINE void tile(const int TA, const int TB, const float *w, const float *x, int64_t n, int64_t k0,
                 int64_t k1, vf *parked, int first, int last, float *out, int64_t outDim) {
  vf acc[TILE_W][TILE_X];
  for (int a = 0; a < TA; a++)
    for (int b = 0; b < TB; b++) acc[a][b] = first ? vzero() : parked[a * TILE_X + b];
  const float *xk = x + k0;
  for (int64_t i = 0; i < k1 - k0; i += L) {
    vf wv[TILE_W];
    for (int a = 0; a < TA; a++) wv[a] = vload(w + a * KB + i);
    for (int b = 0; b < TB; b++) {
      vf xv = vload(xk + b * n + i);
      for (int a = 0; a < TA; a++) acc[a][b] = vfma(wv[a], xv, acc[a][b]);
    }
  }
  if (last) {
    for (int a = 0; a < TA; a++)
      for (int b = 0; b < TB; b++) {
        float t = 0.0f;
        for (int64_t i = k1; i < n; i++) t += w[a * KB + (i - k0)] * x[b * n + i];
        out[b * outDim + a] = hsum(acc[a][b]) + t;
      }
  } else {
    for (int a = 0; a < TA; a++)
      for (int b = 0; b < TB; b++) parked[a * TILE_X + b] = acc[a][b];
  }
}

static void tile_any(int ta, int tb, const float *w, const float *x, int64_t n, int64_t k0, int64_t k1,
                     vf *parked, int first, int last, float *out, int64_t outDim) {
#define T(A, B)                                                   \
  if (ta == A && tb == B) {                                       \
    tile(A, B, w, x, n, k0, k1, parked, first, last, out, outDim); \
    return;                                                       \
  }
  T(3, 4) T(3, 3) T(3, 2) T(3, 1) T(2, 4) T(2, 3) T(2, 2) T(2, 1) T(1, 4) T(1, 3) T(1, 2) T(1, 1)
#undef T
}

/*
 * Software prefetch of the weights the next block will decode, spread over the current block's
 * tiles: the block is compute-bound, so its time hides the next block's trip to memory (the
 * hardware prefetcher alone loses the rows' streams between blocks).
 */
#ifndef PF_HINT
#define PF_HINT _MM_HINT_T0
#endif
typedef struct {
  const char *base; /* row 0 of the range */
  int64_t stride;   /* bytes between rows */
  int64_t bytes;    /* bytes per row */
  int rows, q;
  int64_t off;
} prefetcher;

static inline int64_t row_bytes(const source *s, int64_t elements) {
  switch (s->kind) {
    case K_F32: return elements * 4;
    case K_BF16: return elements * 2;
    case K_INT4: return elements / 2;
    default: return elements;
  }
}

/* Rows [j0, j0 + rows) of s, elements [k0, k1): what a block decodes. */
static prefetcher prefetch_range(const source *s, int64_t j0, int rows, int64_t k0, int64_t k1) {
  int64_t stride = row_bytes(s, s->n);
  prefetcher p = {(const char *)s->data + j0 * stride + row_bytes(s, k0), stride,
                  row_bytes(s, k1) - row_bytes(s, k0), rows, 0, 0};
  return p;
}

static inline void prefetch_some(prefetcher *p, int lines) {
  for (; lines > 0 && p->q < p->rows; lines--) {
    _mm_prefetch(p->base + p->q * p->stride + p->off, PF_HINT);
    p->off += 64;
    if (p->off >= p->bytes) {
      p->off = 0;
      p->q++;
    }
  }
}

/* out[r * outDim + j] = dot(W[j], x[r]) for j in [from, to), r < rows. -1 when out of memory. */
static int many_rows(const source *src, int64_t from, int64_t to, const float *x, int64_t rows,
                     float *out, int64_t outDim) {
  int64_t n = src->n;
  int64_t bound = n - n % L;
  int64_t quads = (rows + TILE_X - 1) / TILE_X;
  buffers *mine = my_buffers();
  if (!mine) return -1;
  float *buf = panel(mine);
  vf *parked = park(mine, (size_t)(PANEL_ROWS / TILE_W) * quads * TILE_W * TILE_X);
  if (!buf || !parked) return -1;
  for (int64_t j0 = from; j0 < to; j0 += PANEL_ROWS) {
    int count = to - j0 < PANEL_ROWS ? (int)(to - j0) : PANEL_ROWS;
    int tris = (count + TILE_W - 1) / TILE_W;
    for (int64_t k0 = 0;; k0 += KB) {
      int64_t kend = k0 + KB < n ? k0 + KB : n; /* decoded: [k0, kend) */
      int64_t k1 = kend < bound ? kend : bound;   /* vector part: [k0, k1) */
      int first = k0 == 0, last = kend == n;
      for (int q = 0; q < count; q++) decode_range(src, j0 + q, k0, kend, buf + (int64_t)q * KB);
      /* the next block: this panel's next inputs, or the next panel's first ones */
      prefetcher next;
      if (!last) {
        next = prefetch_range(src, j0, count, kend, kend + KB < n ? kend + KB : n);
      } else {
        int64_t j1 = j0 + PANEL_ROWS;
        int nextCount = to - j1 < PANEL_ROWS ? (int)(to - j1) : PANEL_ROWS;
        next = prefetch_range(src, j1, nextCount > 0 ? nextCount : 0, 0, KB < n ? KB : n);
      }
      int64_t lines = (next.bytes + 63) / 64 * next.rows;
      int perTile = (int)((lines + tris * quads - 1) / (tris * quads));
      for (int64_t quad = 0; quad < quads; quad++) {
        int64_t r = quad * TILE_X;
        int tb = rows - r < TILE_X ? (int)(rows - r) : TILE_X;
        for (int t = 0; t < tris; t++) {
          int q = t * TILE_W;
          int ta = count - q < TILE_W ? count - q : TILE_W;
          prefetch_some(&next, perTile);
          tile_any(ta, tb, buf + (int64_t)q * KB, x + r * n, n, k0, k1,
                   parked + (quad * tris + t) * TILE_W * TILE_X, first, last,
                   out + r * outDim + j0 + q, outDim);
        }
      }
      if (last) break;
    }
  }
  return 0;
}

/* ---------------------------------------------------------------------------------------------- */
/* One input row (decoding, bandwidth-bound): R weight rows streamed at once, R independent FMA      */
/* chains (FMA latency 4 x 2 pipes on Zen 3 wants 8), decoded in registers.                          */

#define PREFETCH_AHEAD 1024 /* bytes ahead in each weight row */
#ifndef QROWS
#define QROWS 8
#endif

INLINE void fused_bf16(const int R, const uint16_t *w, int64_t n, const float *x, float *out) {
  vf acc[8];
  for (int r = 0; r < R; r++) acc[r] = vzero();
  int64_t bound = n - n % L;
  for (int64_t i = 0; i < bound; i += L) {
    vf xv = vload(x + i);
    for (int r = 0; r < R; r++) {
      /* no software prefetch here: the hardware prefetcher follows these 8 contiguous rows, and
         a prefetch 1 KB ahead made this loop ~25% slower (C harness, 128 MB of weights) */
      acc[r] = vfma(vbf16(w + r * n + i), xv, acc[r]);
    }
  }
  for (int r = 0; r < R; r++) {
    float t = 0.0f;
    for (int64_t i = bound; i < n; i++) t += bf16_to_float(w[r * n + i]) * x[i];
    out[r] = hsum(acc[r]) + t;
  }
}

INLINE void fused_f32(const int R, const float *w, int64_t n, const float *x, float *out) {
  vf acc[8];
  for (int r = 0; r < R; r++) acc[r] = vzero();
  int64_t bound = n - n % L;
  for (int64_t i = 0; i < bound; i += L) {
    vf xv = vload(x + i);
    for (int r = 0; r < R; r++) acc[r] = vfma(vload(w + r * n + i), xv, acc[r]);
  }
  for (int r = 0; r < R; r++) {
    float t = 0.0f;
    for (int64_t i = bound; i < n; i++) t += w[r * n + i] * x[i];
    out[r] = hsum(acc[r]) + t;
  }
}

/* Scales of R rows, block by block (sc[r * nb + b]), read once per pass. */
INLINE void fused_int8(const int R, const source *t, int64_t j, const float *x, const float *sc,
                       int64_t nb, float *out) {
  int64_t n = t->n, block = t->block;
  const uint8_t *c = t->data + j * n;
  vf acc[8];
  for (int r = 0; r < R; r++) acc[r] = vzero();
  for (int64_t b = 0; b < nb; b++) {
    vf s[8]; /* the block's scale of each row, in registers for the block's chunks */
    for (int r = 0; r < R; r++) s[r] = vset1(sc[r * nb + b]);
    for (int64_t i = b * block; i < (b + 1) * block; i += L) {
      vf xv = vload(x + i);
      for (int r = 0; r < R; r++) {
        const uint8_t *p = c + r * n + i;
        if ((i & 63) == 0) _mm_prefetch((const char *)p + PREFETCH_AHEAD, _MM_HINT_T0);
        acc[r] = vfma(vmul(vi8(p), s[r]), xv, acc[r]);
      }
    }
  }
  for (int r = 0; r < R; r++) out[r] = hsum(acc[r]);
}

INLINE void fused_int4(const int R, const source *t, int64_t j, const float *x, const float *sc,
                       int64_t nb, float *out) {
  int64_t n = t->n, block = t->block, half = block / 2;
  const uint8_t *c = t->data + j * (n / 2);
  vf acc[8];
  for (int r = 0; r < R; r++) acc[r] = vzero();
  for (int64_t b = 0; b < nb; b++) {
    const float *xb = x + b * block;
    for (int r = 0; r < R; r++) {
      const uint8_t *p = c + r * (n / 2) + b * half;
      if (((b * half) & 63) == 0) _mm_prefetch((const char *)p + PREFETCH_AHEAD, _MM_HINT_T0);
      vf s = vset1(sc[r * nb + b]);
      /* low nibbles: the block's first half of inputs; then the high nibbles: the second half */
      for (int64_t k = 0; k < half; k += L)
        acc[r] = vfma(vmul(itof(isub(iand(vu8(p + k), 0x0F), 8)), s), vload(xb + k), acc[r]);
      for (int64_t k = 0; k < half; k += L)
        acc[r] = vfma(vmul(itof(isub(iand(isrl(vu8(p + k), 4), 0x0F), 8)), s),
                      vload(xb + half + k), acc[r]);
    }
  }
  for (int r = 0; r < R; r++) out[r] = hsum(acc[r]);
}

INLINE void fused_fp8(const int R, const source *t, int64_t j, const float *x, const float *sc,
                      float *out) {
  int64_t n = t->n;
  const uint8_t *c = t->data + j * n;
  vf acc[8];
  for (int r = 0; r < R; r++) acc[r] = vzero();
  int64_t bound = n - n % L;
  for (int64_t i = 0; i < bound; i += L) {
    vf xv = vload(x + i);
    for (int r = 0; r < R; r++) acc[r] = vfma(vmul(ve4m3(c + r * n + i), vset1(sc[r])), xv, acc[r]);
  }
  for (int r = 0; r < R; r++) {
    float tl = 0.0f;
    for (int64_t i = bound; i < n; i++) tl += e4m3_to_float(c[r * n + i]) * sc[r] * x[i];
    out[r] = hsum(acc[r]) + tl;
  }
}

static float *scales_of(const source *t, int64_t j, int R, int64_t nb) {
  buffers *b = my_buffers();
  if (!b) return NULL;
  size_t need = (size_t)R * nb;
  if (need > b->scale_cap) {
    free(b->scales);
    b->scales = malloc(need * sizeof(float));
    b->scale_cap = b->scales ? need : 0;
    if (!b->scales) return NULL;
  }
  for (int r = 0; r < R; r++)
    for (int64_t k = 0; k < nb; k++) b->scales[r * nb + k] = qscale(t, j + r, k);
  return b->scales;
}

INLINE int fused(const int R, const source *s, int64_t j, const float *x, float *out) {
  switch (s->kind) {
    case K_F32: fused_f32(R, (const float *)s->data + j * s->n, s->n, x, out); return 0;
    case K_BF16: fused_bf16(R, (const uint16_t *)s->data + j * s->n, s->n, x, out); return 0;
    default: break;
  }
  int64_t nb = s->kind == K_FP8 ? 1 : s->n / s->block;
  const float *sc = scales_of(s, j, R, nb);
  if (!sc) return -1;
  switch (s->kind) {
    case K_INT8: fused_int8(R, s, j, x, sc, nb, out); break;
    case K_INT4: fused_int4(R, s, j, x, sc, nb, out); break;
    default: fused_fp8(R, s, j, x, sc, out); break;
  }
  return 0;
}

static int matmul(const source *s, int64_t from, int64_t to, const float *x, int64_t rows, float *out,
                  int64_t outDim) {
  if (rows <= 0 || from >= to) return 0;
  if (rows > 1) return many_rows(s, from, to, x, rows, out, outDim);
  int64_t j = from;
  /* 8 rows per pass (8 FMA chains); QROWS=4 gives quantized weights 4 (fewer row pointers to keep
     in registers: no faster in our noisy measurements, so not the default) */
  if (s->kind == K_F32 || s->kind == K_BF16 || QROWS == 8)
    for (; j + 8 <= to; j += 8)
      if (fused(8, s, j, x, out + j)) return -1;
  for (; j + 4 <= to; j += 4)
    if (fused(4, s, j, x, out + j)) return -1;
  for (; j < to; j++)
    if (fused(1, s, j, x, out + j)) return -1;
  return 0;
}

/*
 * out[r * outDim + j] = dot(W[j], x[r]) for weight rows j in [from, to) of W [outDim, n] (dtype
 * F32 or BF16) and input rows r < rows. Returns 0; -1 when a buffer could not be allocated, -2 for
 * a dtype these kernels do not take (the caller then runs the Java kernel; nothing was written).
 */
EXPORT int ndd_matmul_float(int dtype, const void *w, int64_t n, int64_t from, int64_t to,
                            const float *x, int64_t rows, float *out, int64_t outDim) {
  if (dtype != DT_F32 && dtype != DT_BF16) return -2;
  source s = {dtype == DT_F32 ? K_F32 : K_BF16, (const uint8_t *)w, n, NULL, 0, 0, 0};
  return matmul(&s, from, to, x, rows, out, outDim);
}

/*
 * The quantized twin: format Q_INT8/Q_INT4/Q_FP8, codes as stored, scales in scale_dtype
 * (F32/BF16/F16) with scale_stride scales per row (0: one for the whole tensor), block inputs per
 * scale (int8/int4: a multiple of 2 vectors dividing n). Same return codes.
 */
EXPORT int ndd_matmul_quant(int format, const void *codes, const void *scales, int scale_dtype,
                            int64_t scale_stride, int64_t block, int64_t n, int64_t from, int64_t to,
                            const float *x, int64_t rows, float *out, int64_t outDim) {
  if (format < Q_INT8 || format > Q_FP8 || scale_dtype < DT_F32 || scale_dtype > DT_F16) return -2;
  if (format != Q_FP8 && (block % (2 * L) != 0 || KB % block != 0 || n % block != 0)) return -2;
  int kind = format == Q_INT8 ? K_INT8 : format == Q_INT4 ? K_INT4 : K_FP8;
  source s = {kind, (const uint8_t *)codes, n, scales, scale_dtype, scale_stride, block};
  return matmul(&s, from, to, x, rows, out, outDim);
}

/* Floats per vector these kernels sum over: the Java kernels must use the same to agree bit for bit. */
EXPORT int ndd_lanes(void) { return L; }
