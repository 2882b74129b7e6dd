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
/* Per-thread buffers: a panel of weight rows widened to fp32 and a row's scales. Java's worker      */
/* threads live for the process, so each keeps its buffers.                                          */

static __thread float *panel_buf;
static __thread size_t panel_cap;

static float *panel(size_t floats) {
  if (floats > panel_cap) {
    free(panel_buf);
    size_t bytes = (floats * sizeof(float) + 63) & ~(size_t)63;
    panel_buf = aligned_alloc(64, bytes);
    panel_cap = panel_buf ? floats : 0;
  }
  return panel_buf;
}

/* Panel rows for a given width: the widened panel stays well inside the 512 KB L2 of a core. */
#define PANEL_BYTES (160 * 1024)
#define TILE_W 3 /* weight rows per register tile */
#define TILE_X 4 /* input rows per register tile */

static int panel_rows(int64_t n) {
  int64_t rows = PANEL_BYTES / (n * 4);
  rows = rows / TILE_W * TILE_W;
  if (rows < TILE_W) rows = TILE_W;
  if (rows > 48) rows = 48;
  return (int)rows;
}

/* ---------------------------------------------------------------------------------------------- */
/* Many input rows: a TA x TB register tile of accumulators over fp32 weight rows (the panel).       */

INLINE float tail_dot(const float *w, const float *x, int64_t from, int64_t n) {
  float t = 0.0f;
  for (int64_t i = from; i < n; i++) t += w[i] * x[i];
  return t;
}

/*
 * out[(r0 + b) * outDim + j0 + a] = dot(w + a * ws, x + (r0 + b) * n) for a < TA, b < TB; every
 * element in the one order (chunks, butterfly, tail).
 */
INLINE void tile(const int TA, const int TB, const float *w, int64_t ws, const float *x, int64_t n,
                 float *out, int64_t outDim) {
  vf acc[TILE_W][TILE_X];
  for (int a = 0; a < TA; a++)
    for (int b = 0; b < TB; b++) acc[a][b] = vzero();
  int64_t bound = n - n % L;
  for (int64_t i = 0; i < bound; i += L) {
    vf wv[TILE_W];
    for (int a = 0; a < TA; a++) wv[a] = vload(w + a * ws + i);
    for (int b = 0; b < TB; b++) {
      vf xv = vload(x + b * n + i);
      for (int a = 0; a < TA; a++) acc[a][b] = vfma(wv[a], xv, acc[a][b]);
    }
  }
  for (int a = 0; a < TA; a++)
    for (int b = 0; b < TB; b++)
      out[b * outDim + a] = hsum(acc[a][b]) + tail_dot(w + a * ws, x + b * n, bound, n);
}

static void tile_any(int ta, int tb, const float *w, int64_t ws, const float *x, int64_t n, float *out,
                     int64_t outDim) {
#define T(A, B) \
  if (ta == A && tb == B) return tile(A, B, w, ws, x, n, out, outDim);
  T(3, 4) T(3, 3) T(3, 2) T(3, 1) T(2, 4) T(2, 3) T(2, 2) T(2, 1) T(1, 4) T(1, 3) T(1, 2) T(1, 1)
#undef T
}

/* Rows [j0, j0 + count) of fp32 weights (row stride ws) against every input row. */
static void panel_times_rows(const float *w, int64_t ws, int count, const float *x, int64_t rows,
                             int64_t n, float *out, int64_t outDim, int64_t j0) {
  for (int64_t r = 0; r < rows; r += TILE_X) {
    int tb = rows - r < TILE_X ? (int)(rows - r) : TILE_X;
    for (int q = 0; q < count; q += TILE_W) {
      int ta = count - q < TILE_W ? count - q : TILE_W;
      tile_any(ta, tb, w + q * ws, ws, x + r * n, n, out + r * outDim + j0 + q, outDim);
    }
  }
}

/* ---------------------------------------------------------------------------------------------- */
/* One input row, BF16/F32 weights: R weight rows streamed at once, R independent FMA chains.       */

#define PREFETCH_AHEAD 1024 /* bytes ahead in each weight row */

INLINE void fused_bf16(const int R, const uint16_t *w, int64_t n, const float *x, float *out) {
  vf acc[8];
  for (int r = 0; r < R; r++) acc[r] = vzero();
  int64_t bound = n - n % L;
  for (int64_t i = 0; i < bound; i += L) {
    vf xv = vload(x + i);
    for (int r = 0; r < R; r++) {
      const uint16_t *p = w + r * n + i;
      if ((i & (32 - 1)) == 0) _mm_prefetch((const char *)p + PREFETCH_AHEAD, _MM_HINT_T0);
      acc[r] = vfma(vbf16(p), xv, acc[r]);
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
  for (int r = 0; r < R; r++) out[r] = hsum(acc[r]) + tail_dot(w + r * n, x, bound, n);
}

/* Weight row j of BF16/F32 storage widened to fp32 into dst (exact). */
static void widen_row(int dtype, const void *w, int64_t n, int64_t j, float *dst) {
  if (dtype == DT_BF16) {
    const uint16_t *p = (const uint16_t *)w + j * n;
    int64_t bound = n - n % L;
    int64_t i = 0;
    for (; i < bound; i += L) vstore(dst + i, vbf16(p + i));
    for (; i < n; i++) dst[i] = bf16_to_float(p[i]);
  } else {
    memcpy(dst, (const float *)w + j * n, (size_t)n * sizeof(float));
  }
}

/*
 * out[r * outDim + j] = dot(W[j], x[r]) for weight rows j in [from, to) of W [outDim, n] (F32 or BF16)
 * and input rows r < rows. Returns 0, or -1 when a buffer could not be allocated (the caller then
 * runs the Java kernel).
 */
EXPORT int ndd_matmul_float(int dtype, const void *w, int64_t n, int64_t from, int64_t to,
                            const float *x, int64_t rows, float *out, int64_t outDim) {
  if (dtype != DT_F32 && dtype != DT_BF16) return -2;
  if (rows == 1) {
    int64_t j = from;
    if (dtype == DT_BF16) {
      const uint16_t *wb = (const uint16_t *)w;
      for (; j + 8 <= to; j += 8) fused_bf16(8, wb + j * n, n, x, out + j);
      for (; j + 4 <= to; j += 4) fused_bf16(4, wb + j * n, n, x, out + j);
      for (; j < to; j++) fused_bf16(1, wb + j * n, n, x, out + j);
    } else {
      const float *wf = (const float *)w;
      for (; j + 8 <= to; j += 8) fused_f32(8, wf + j * n, n, x, out + j);
      for (; j < to; j++) fused_f32(1, wf + j * n, n, x, out + j);
    }
    return 0;
  }
  if (dtype == DT_F32) {
    const float *wf = (const float *)w;
    int p = panel_rows(n);
    for (int64_t j0 = from; j0 < to; j0 += p) {
      int count = to - j0 < p ? (int)(to - j0) : p;
      panel_times_rows(wf + j0 * n, n, count, x, rows, n, out, outDim, j0);
    }
    return 0;
  }
  int p = panel_rows(n);
  float *buf = panel((size_t)p * n);
  if (!buf) return -1;
  for (int64_t j0 = from; j0 < to; j0 += p) {
    int count = to - j0 < p ? (int)(to - j0) : p;
    for (int q = 0; q < count; q++) widen_row(dtype, w, n, j0 + q, buf + (int64_t)q * n);
    panel_times_rows(buf, n, count, x, rows, n, out, outDim, j0);
  }
  return 0;
}

/* ---------------------------------------------------------------------------------------------- */
/* Quantized weights (inference-pod/WEIGHT-FORMATS.md): value(j, c) = code(j, c) * scale[j, c / B].  */

typedef struct {
  int format;
  const uint8_t *codes;
  const void *scales;
  int scale_dtype;
  int64_t scale_stride; /* scales per row; 0: one for the tensor */
  int64_t block;
  int64_t n;
} qtensor;

static inline float qscale(const qtensor *t, int64_t row, int64_t blk) {
  return scalar_at(t->scales, t->scale_dtype, row * t->scale_stride + blk);
}

/* Row j dequantized to fp32 into dst: code * scale, one rounding, as the Java dequantizeRow. */
static void dequantize_row(const qtensor *t, int64_t j, float *dst) {
  int64_t n = t->n, block = t->block;
  switch (t->format) {
    case Q_INT8: {
      const uint8_t *c = t->codes + j * n;
      for (int64_t b = 0; b < n / block; b++) {
        vf s = vset1(qscale(t, j, b));
        for (int64_t i = b * block; i < (b + 1) * block; i += L) vstore(dst + i, vmul(vi8(c + i), s));
      }
      break;
    }
    case Q_INT4: {
      int64_t half = block / 2;
      const uint8_t *c = t->codes + j * (n / 2);
      for (int64_t b = 0; b < n / block; b++) {
        vf s = vset1(qscale(t, j, b));
        const uint8_t *bytes = c + b * half;
        float *d = dst + b * block;
        for (int64_t k = 0; k < half; k += L) {
          vstore(d + k, vmul(itof(isub(iand(vu8(bytes + k), 0x0F), 8)), s));
          vstore(d + half + k, vmul(itof(isub(iand(isrl(vu8(bytes + k), 4), 0x0F), 8)), s));
        }
      }
      break;
    }
    default: { /* FP8: one scale per row (or tensor) */
      const uint8_t *c = t->codes + j * n;
      float sc = qscale(t, j, 0);
      vf s = vset1(sc);
      int64_t bound = n - n % L;
      int64_t i = 0;
      for (; i < bound; i += L) vstore(dst + i, vmul(ve4m3(c + i), s));
      for (; i < n; i++) dst[i] = e4m3_to_float(c[i]) * sc;
      break;
    }
  }
}

/* One input row, R quantized weight rows at once; scales of the R rows first read into sc. */
INLINE void fused_int8(const int R, const qtensor *t, int64_t j, const float *x, const float *sc,
                       int64_t nb, float *out) {
  int64_t n = t->n, block = t->block;
  const uint8_t *c = t->codes + j * n;
  vf acc[8];
  for (int r = 0; r < R; r++) acc[r] = vzero();
  for (int64_t b = 0; b < nb; b++) {
    for (int64_t i = b * block; i < (b + 1) * block; i += L) {
      vf xv = vload(x + i);
      for (int r = 0; r < R; r++) {
        const uint8_t *p = c + r * n + i;
        if ((i & 63) == 0) _mm_prefetch((const char *)p + PREFETCH_AHEAD, _MM_HINT_T0);
        acc[r] = vfma(vmul(vi8(p), vset1(sc[r * nb + b])), xv, acc[r]);
      }
    }
  }
  for (int r = 0; r < R; r++) out[r] = hsum(acc[r]);
}

INLINE void fused_int4(const int R, const qtensor *t, int64_t j, const float *x, const float *sc,
                       int64_t nb, float *out) {
  int64_t n = t->n, block = t->block, half = block / 2;
  const uint8_t *c = t->codes + j * (n / 2);
  vf acc[8];
  for (int r = 0; r < R; r++) acc[r] = vzero();
  for (int64_t b = 0; b < nb; b++) {
    const float *xb = x + b * block;
    /* low nibbles: the block's first half of inputs, then the high nibbles: the second half */
    for (int64_t k = 0; k < half; k += L) {
      vf xv = vload(xb + k);
      for (int r = 0; r < R; r++) {
        const uint8_t *p = c + r * (n / 2) + b * half + k;
        if (((b * half + k) & 63) == 0) _mm_prefetch((const char *)p + PREFETCH_AHEAD, _MM_HINT_T0);
        vf w = vmul(itof(isub(iand(vu8(p), 0x0F), 8)), vset1(sc[r * nb + b]));
        acc[r] = vfma(w, xv, acc[r]);
      }
    }
    for (int64_t k = 0; k < half; k += L) {
      vf xv = vload(xb + half + k);
      for (int r = 0; r < R; r++) {
        const uint8_t *p = c + r * (n / 2) + b * half + k;
        vf w = vmul(itof(isub(iand(isrl(vu8(p), 4), 0x0F), 8)), vset1(sc[r * nb + b]));
        acc[r] = vfma(w, xv, acc[r]);
      }
    }
  }
  for (int r = 0; r < R; r++) out[r] = hsum(acc[r]);
}

INLINE void fused_fp8(const int R, const qtensor *t, int64_t j, const float *x, const float *sc,
                      float *out) {
  int64_t n = t->n;
  const uint8_t *c = t->codes + j * n;
  vf acc[8];
  vf s[8];
  for (int r = 0; r < R; r++) {
    acc[r] = vzero();
    s[r] = vset1(sc[r]);
  }
  int64_t bound = n - n % L;
  for (int64_t i = 0; i < bound; i += L) {
    vf xv = vload(x + i);
    for (int r = 0; r < R; r++) acc[r] = vfma(vmul(ve4m3(c + r * n + i), s[r]), xv, acc[r]);
  }
  for (int r = 0; r < R; r++) {
    float tl = 0.0f;
    for (int64_t i = bound; i < n; i++) tl += e4m3_to_float(c[r * n + i]) * sc[r] * x[i];
    out[r] = hsum(acc[r]) + tl;
  }
}

static __thread float *scale_buf;
static __thread size_t scale_cap;

static float *scales_of(const qtensor *t, int64_t j, int R, int64_t nb) {
  size_t need = (size_t)R * nb;
  if (need > scale_cap) {
    free(scale_buf);
    scale_buf = malloc(need * sizeof(float));
    scale_cap = scale_buf ? need : 0;
    if (!scale_buf) return NULL;
  }
  for (int r = 0; r < R; r++)
    for (int64_t b = 0; b < nb; b++) scale_buf[r * nb + b] = qscale(t, j + r, b);
  return scale_buf;
}

INLINE int fused_q(const int R, const qtensor *t, int64_t j, const float *x, float *out) {
  int64_t nb = t->format == Q_FP8 ? 1 : t->n / t->block;
  const float *sc = scales_of(t, j, R, nb);
  if (!sc) return -1;
  switch (t->format) {
    case Q_INT8: fused_int8(R, t, j, x, sc, nb, out); break;
    case Q_INT4: fused_int4(R, t, j, x, sc, nb, out); break;
    default: fused_fp8(R, t, j, x, sc, out); break;
  }
  return 0;
}

/*
 * The quantized twin of ndd_matmul_float: format Q_INT8/Q_INT4/Q_FP8, codes as stored, scales in
 * scale_dtype (F32/BF16/F16) with scale_stride scales per row (0: one for the whole tensor), block
 * the inputs per scale (int8/int4: a multiple of L). Returns 0, -1 when out of memory, -2 when the
 * arguments are outside what these kernels take (the caller then runs the Java kernel).
 */
EXPORT int ndd_matmul_quant(int format, const void *codes, const void *scales, int scale_dtype,
                            int64_t scale_stride, int64_t block, int64_t n, int64_t from, int64_t to,
                            const float *x, int64_t rows, float *out, int64_t outDim) {
  if (format < Q_INT8 || format > Q_FP8 || scale_dtype < DT_F32 || scale_dtype > DT_F16) return -2;
  if (format != Q_FP8 && (block % (2 * L) != 0 || n % block != 0)) return -2;
  qtensor t = {format, (const uint8_t *)codes, scales, scale_dtype, scale_stride, block, n};
  if (rows == 1) {
    int64_t j = from;
    for (; j + 8 <= to; j += 8)
      if (fused_q(8, &t, j, x, out + j)) return -1;
    for (; j + 4 <= to; j += 4)
      if (fused_q(4, &t, j, x, out + j)) return -1;
    for (; j < to; j++)
      if (fused_q(1, &t, j, x, out + j)) return -1;
    return 0;
  }
  int p = panel_rows(n);
  float *buf = panel((size_t)p * n);
  if (!buf) return -1;
  for (int64_t j0 = from; j0 < to; j0 += p) {
    int count = to - j0 < p ? (int)(to - j0) : p;
    for (int q = 0; q < count; q++) dequantize_row(&t, j0 + q, buf + (int64_t)q * n);
    panel_times_rows(buf, n, count, x, rows, n, out, outDim, j0);
  }
  return 0;
}

/* Floats per vector these kernels sum over: the Java kernels must use the same to agree bit for bit. */
EXPORT int ndd_lanes(void) { return L; }
