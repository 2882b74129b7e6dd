package dev.inference.nemotron.pod.engine.cpu;

import dev.inference.nemotron.pod.model.DType;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Kernels} on the JDK Vector API at the machine's preferred width (default, {@code
 * ndd.kernels=vector}). Tails shorter than a vector fall back to scalar loops, so every size and
 * offset is valid.
 */
public class VectorKernels implements Kernels {
  static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED;
  // BF16 decode widens half as many bits: shorts at half the float width, ints at the full width.
  private static final VectorSpecies<Short> SHORTS =
      VectorSpecies.of(short.class, VectorShape.forBitSize(FLOATS.vectorBitSize() / 2));
  private static final VectorSpecies<Integer> INTS =
      VectorSpecies.of(int.class, FLOATS.vectorShape());
  private static final int LANES = FLOATS.length();
  private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
  // The butterfly's shuffles, one constant per step (null where the step is not below LANES). Each
  // is its own static final field, not an element of a list: C2 intrinsifies a rearrange only for
  // a shuffle it sees as a constant, and a rearrange it cannot intrinsify is a call that makes the
  // caller box its accumulator vector on every iteration of its loop (measured: the int8 1-row
  // kernel allocated a vector per FMA and ran 2.5x slower when sum() was inlined into it).
  private static final VectorShuffle<Float> SWAP_8 = swap(8);
  private static final VectorShuffle<Float> SWAP_4 = swap(4);
  private static final VectorShuffle<Float> SWAP_2 = swap(2);
  private static final VectorShuffle<Float> SWAP_1 = swap(1);

  private static VectorShuffle<Float> swap(int step) {
    if (LANES > 16) {
      throw new IllegalStateException("no butterfly for " + LANES + " float lanes");
    }
    return step < LANES ? VectorShuffle.fromOp(FLOATS, i -> i ^ step) : null;
  }

  @Override
  public String name() {
    return "vector";
  }

  /** Floats per vector on this machine (printed with the tunables). */
  public static int lanes() {
    return LANES;
  }

  @Override
  public void decode(
      DType dtype, MemorySegment data, long first, float[] dst, int dstOffset, int n) {
    int bound = FLOATS.loopBound(n);
    int i = 0;
    switch (dtype) {
      case BF16 -> {
        long base = first * 2;
        for (; i < bound; i += LANES) {
          bf16(data, base + 2L * i).intoArray(dst, dstOffset + i);
        }
      }
      case F32 -> {
        long base = first * 4;
        for (; i < bound; i += LANES) {
          FloatVector.fromMemorySegment(FLOATS, data, base + 4L * i, LE)
              .intoArray(dst, dstOffset + i);
        }
      }
      // The Vector API has no half-float conversion; Float.float16ToFloat is an intrinsic.
      case F16 -> {}
    }
    for (; i < n; i++) {
      dst[dstOffset + i] = dtype.decode(data, first + i);
    }
  }

  @Override
  public float dot(float[] a, int aOffset, float[] b, int bOffset, int n) {
    FloatVector acc0 = FloatVector.zero(FLOATS);
    FloatVector acc1 = FloatVector.zero(FLOATS);
    int i = 0;
    int bound2 = n - n % (2 * LANES);
    for (; i < bound2; i += 2 * LANES) {
      acc0 =
          FloatVector.fromArray(FLOATS, a, aOffset + i)
              .fma(FloatVector.fromArray(FLOATS, b, bOffset + i), acc0);
      acc1 =
          FloatVector.fromArray(FLOATS, a, aOffset + i + LANES)
              .fma(FloatVector.fromArray(FLOATS, b, bOffset + i + LANES), acc1);
    }
    int bound = FLOATS.loopBound(n);
    for (; i < bound; i += LANES) {
      acc0 =
          FloatVector.fromArray(FLOATS, a, aOffset + i)
              .fma(FloatVector.fromArray(FLOATS, b, bOffset + i), acc0);
    }
    float sum = sum(acc0.add(acc1));
    for (; i < n; i++) {
      sum += a[aOffset + i] * b[bOffset + i];
    }
    return sum;
  }

  @Override
  public void matmulBlock(
      DType dtype,
      MemorySegment w,
      int n,
      int from,
      int to,
      float[] x,
      int rows,
      float[] out,
      int outDim,
      float[] scratch) {
    if (rows == 1 && dtype != DType.F16) {
      // One input row: decode into registers and multiply at once, nothing to reuse a buffer for.
      // Four weight rows per pass: four independent FMA chains hide the FMA latency that a single
      // accumulator (the fixed summation order) would otherwise expose.
      int j = from;
      if (dtype == DType.BF16) {
        for (; j + 4 <= to; j += 4) {
          fusedDotsBf16(w, (long) j * n, x, n, out, j);
        }
      }
      for (; j < to; j++) {
        out[j] = fusedDot(dtype, w, (long) j * n, x, n);
      }
      return;
    }
    // Decode a block of weight rows, then stream the input rows past it four at a time: each
    // input row is read once per block rather than once per weight row.
    for (int j0 = from; j0 < to; j0 += SCRATCH_ROWS) {
      int count = Math.min(SCRATCH_ROWS, to - j0);
      for (int q = 0; q < count; q++) {
        decode(dtype, w, (long) (j0 + q) * n, scratch, q * n, n);
      }
      blockTimesRows(scratch, count, x, rows, n, out, j0, outDim);
    }
  }

  /**
   * {@code dot(W[row], x[0 .. n))} with W decoded on the fly (F32 or BF16), in exactly the order of
   * {@link #rowDot} over the decoded row: one accumulator over vector-wide steps, the butterfly
   * sum, then the scalar tail. That order is what makes a row's result independent of how many rows
   * share the forward (a request's tokens must not change when other requests join its batch).
   */
  private static float fusedDot(DType dtype, MemorySegment w, long first, float[] x, int n) {
    FloatVector acc = FloatVector.zero(FLOATS);
    int bound = FLOATS.loopBound(n);
    int i = 0;
    if (dtype == DType.BF16) {
      long base = first * 2;
      for (; i < bound; i += LANES) {
        acc = bf16(w, base + 2L * i).fma(FloatVector.fromArray(FLOATS, x, i), acc);
      }
    } else {
      long base = first * 4;
      for (; i < bound; i += LANES) {
        acc =
            FloatVector.fromMemorySegment(FLOATS, w, base + 4L * i, LE)
                .fma(FloatVector.fromArray(FLOATS, x, i), acc);
      }
    }
    float sum = sum(acc);
    float tail = 0f;
    for (; i < n; i++) {
      tail += dtype.decode(w, first + i) * x[i];
    }
    return sum + tail;
  }

  /**
   * {@link #fusedDot} of the four BF16 weight rows starting at element {@code first} (rows {@code
   * n} apart) into {@code out[o .. o + 3]}, each in exactly fusedDot's order.
   */
  private static void fusedDotsBf16(
      MemorySegment w, long first, float[] x, int n, float[] out, int o) {
    long b0 = first * 2;
    long b1 = b0 + 2L * n;
    long b2 = b1 + 2L * n;
    long b3 = b2 + 2L * n;
    FloatVector a0 = FloatVector.zero(FLOATS);
    FloatVector a1 = FloatVector.zero(FLOATS);
    FloatVector a2 = FloatVector.zero(FLOATS);
    FloatVector a3 = FloatVector.zero(FLOATS);
    int bound = FLOATS.loopBound(n);
    int i = 0;
    for (; i < bound; i += LANES) {
      FloatVector v = FloatVector.fromArray(FLOATS, x, i);
      long at = 2L * i;
      a0 = bf16(w, b0 + at).fma(v, a0);
      a1 = bf16(w, b1 + at).fma(v, a1);
      a2 = bf16(w, b2 + at).fma(v, a2);
      a3 = bf16(w, b3 + at).fma(v, a3);
    }
    out[o] = sum(a0) + bf16Tail(w, first, x, 0, i, n);
    out[o + 1] = sum(a1) + bf16Tail(w, first + n, x, 0, i, n);
    out[o + 2] = sum(a2) + bf16Tail(w, first + 2L * n, x, 0, i, n);
    out[o + 3] = sum(a3) + bf16Tail(w, first + 3L * n, x, 0, i, n);
  }

  /**
   * {@code sum W[first + i] * x[x0 + i]} over the scalar tail {@code i in [from, n)}, W in BF16.
   */
  private static float bf16Tail(MemorySegment w, long first, float[] x, int x0, int from, int n) {
    float tail = 0f;
    for (int i = from; i < n; i++) {
      tail += DType.BF16.decode(w, first + i) * x[x0 + i];
    }
    return tail;
  }

  /**
   * {@code dot(w[w0 ..], x[x0 ..])} over n floats in the one order every matmul path uses for an
   * output element (see {@link #fusedDot}).
   */
  static float rowDot(float[] w, int w0, float[] x, int x0, int n) {
    FloatVector acc = FloatVector.zero(FLOATS);
    int bound = FLOATS.loopBound(n);
    int i = 0;
    for (; i < bound; i += LANES) {
      acc =
          FloatVector.fromArray(FLOATS, w, w0 + i)
              .fma(FloatVector.fromArray(FLOATS, x, x0 + i), acc);
    }
    return sum(acc) + tail(w, w0, x, x0, i, n);
  }

  private static FloatVector bf16(MemorySegment w, long byteOffset) {
    ShortVector raw = ShortVector.fromMemorySegment(SHORTS, w, byteOffset, LE);
    IntVector wide = (IntVector) raw.convertShape(VectorOperators.S2I, INTS, 0);
    return wide.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
  }

  /** {@code out[r * outDim + j0 + q] = dot(w[q], x[r])} for q < count decoded weight rows. */
  static void blockTimesRows(
      float[] w, int count, float[] x, int rows, int n, float[] out, int j0, int outDim) {
    int r = 0;
    for (; r + 4 <= rows; r += 4) {
      int q = 0;
      for (; q + 2 <= count; q += 2) {
        pairTimesFourRows(w, q * n, x, r * n, n, out, r * outDim + j0 + q, outDim);
      }
      for (; q < count; q++) {
        for (int k = 0; k < 4; k++) {
          out[(r + k) * outDim + j0 + q] = rowDot(w, q * n, x, (r + k) * n, n);
        }
      }
    }
    for (; r < rows; r++) {
      for (int q = 0; q < count; q++) {
        out[r * outDim + j0 + q] = rowDot(w, q * n, x, r * n, n);
      }
    }
  }

  /**
   * Weight rows at {@code w0} and {@code w0 + n} against input rows at {@code x0 .. x0 + 3n}: two
   * weight loads and four input loads feed eight FMAs. Writes {@code out[o + k * outDim]} (first
   * weight row) and {@code out[o + k * outDim + 1]} (second) for k < 4.
   */
  private static void pairTimesFourRows(
      float[] w, int w0, float[] x, int x0, int n, float[] out, int o, int outDim) {
    int w1 = w0 + n;
    int x1 = x0 + n;
    int x2 = x1 + n;
    int x3 = x2 + n;
    FloatVector a00 = FloatVector.zero(FLOATS);
    FloatVector a01 = FloatVector.zero(FLOATS);
    FloatVector a02 = FloatVector.zero(FLOATS);
    FloatVector a03 = FloatVector.zero(FLOATS);
    FloatVector a10 = FloatVector.zero(FLOATS);
    FloatVector a11 = FloatVector.zero(FLOATS);
    FloatVector a12 = FloatVector.zero(FLOATS);
    FloatVector a13 = FloatVector.zero(FLOATS);
    int bound = FLOATS.loopBound(n);
    int i = 0;
    for (; i < bound; i += LANES) {
      FloatVector u = FloatVector.fromArray(FLOATS, w, w0 + i);
      FloatVector t = FloatVector.fromArray(FLOATS, w, w1 + i);
      FloatVector v = FloatVector.fromArray(FLOATS, x, x0 + i);
      a00 = u.fma(v, a00);
      a10 = t.fma(v, a10);
      v = FloatVector.fromArray(FLOATS, x, x1 + i);
      a01 = u.fma(v, a01);
      a11 = t.fma(v, a11);
      v = FloatVector.fromArray(FLOATS, x, x2 + i);
      a02 = u.fma(v, a02);
      a12 = t.fma(v, a12);
      v = FloatVector.fromArray(FLOATS, x, x3 + i);
      a03 = u.fma(v, a03);
      a13 = t.fma(v, a13);
    }
    out[o] = sum(a00) + tail(w, w0, x, x0, i, n);
    out[o + 1] = sum(a10) + tail(w, w1, x, x0, i, n);
    out[o + outDim] = sum(a01) + tail(w, w0, x, x1, i, n);
    out[o + outDim + 1] = sum(a11) + tail(w, w1, x, x1, i, n);
    out[o + 2 * outDim] = sum(a02) + tail(w, w0, x, x2, i, n);
    out[o + 2 * outDim + 1] = sum(a12) + tail(w, w1, x, x2, i, n);
    out[o + 3 * outDim] = sum(a03) + tail(w, w0, x, x3, i, n);
    out[o + 3 * outDim + 1] = sum(a13) + tail(w, w1, x, x3, i, n);
  }

  /**
   * The lanes' sum by a fixed butterfly (lane i adds lane i ^ step, halving step). {@code
   * reduceLanes(ADD)} adds in a different order when compiled than when interpreted, so the same
   * forward could give different bits before and after the JIT warms up; this order never changes.
   */
  static float sum(FloatVector v) {
    if (LANES > 8) {
      v = v.add(v.rearrange(SWAP_8));
    }
    if (LANES > 4) {
      v = v.add(v.rearrange(SWAP_4));
    }
    if (LANES > 2) {
      v = v.add(v.rearrange(SWAP_2));
    }
    if (LANES > 1) {
      v = v.add(v.rearrange(SWAP_1));
    }
    return v.lane(0);
  }

  /** {@code sum w[wOffset + i] * x[xOffset + i]} over the scalar tail {@code i in [from, n)}. */
  private static float tail(float[] w, int wOffset, float[] x, int xOffset, int from, int n) {
    float sum = 0f;
    for (int i = from; i < n; i++) {
      sum += w[wOffset + i] * x[xOffset + i];
    }
    return sum;
  }

  @Override
  public float dotBf16(float[] a, int aOffset, short[] b, int bOffset, int n) {
    FloatVector acc = FloatVector.zero(FLOATS);
    int bound = FLOATS.loopBound(n);
    int i = 0;
    for (; i < bound; i += LANES) {
      acc = FloatVector.fromArray(FLOATS, a, aOffset + i).fma(bf16(b, bOffset + i), acc);
    }
    float sum = sum(acc);
    for (; i < n; i++) {
      sum += a[aOffset + i] * Bf16.toFloat(b[bOffset + i]);
    }
    return sum;
  }

  @Override
  public void axpyBf16(float a, short[] x, int xOffset, float[] y, int yOffset, int n) {
    FloatVector av = FloatVector.broadcast(FLOATS, a);
    int bound = FLOATS.loopBound(n);
    int i = 0;
    for (; i < bound; i += LANES) {
      bf16(x, xOffset + i)
          .fma(av, FloatVector.fromArray(FLOATS, y, yOffset + i))
          .intoArray(y, yOffset + i);
    }
    for (; i < n; i++) {
      y[yOffset + i] += a * Bf16.toFloat(x[xOffset + i]);
    }
  }

  private static FloatVector bf16(short[] values, int offset) {
    ShortVector raw = ShortVector.fromArray(SHORTS, values, offset);
    IntVector wide = (IntVector) raw.convertShape(VectorOperators.S2I, INTS, 0);
    return wide.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
  }

  @Override
  public void swiglu(float[] gate, float[] up, int offset, int n) {
    int bound = FLOATS.loopBound(n);
    int i = 0;
    for (; i < bound; i += LANES) {
      // exp(), not lanewise(EXP): the latter is Math.exp interpreted and a vector math stub 1 ulp
      // off on ~4% of inputs once C2 compiles it, so a row's activations changed with the JIT's
      // mood and the same forward gave other bits before and after warm-up.
      FloatVector g = FloatVector.fromArray(FLOATS, gate, offset + i);
      g.div(exp(g.neg()).add(1f))
          .mul(FloatVector.fromArray(FLOATS, up, offset + i))
          .intoArray(gate, offset + i);
    }
    for (; i < n; i++) {
      float g = gate[offset + i];
      gate[offset + i] = g / (1f + expOf(-g)) * up[offset + i];
    }
  }

  @Override
  public void axpy(float a, float[] x, int xOffset, float[] y, int yOffset, int n) {
    FloatVector av = FloatVector.broadcast(FLOATS, a);
    int bound = FLOATS.loopBound(n);
    int i = 0;
    for (; i < bound; i += LANES) {
      FloatVector.fromArray(FLOATS, x, xOffset + i)
          .fma(av, FloatVector.fromArray(FLOATS, y, yOffset + i))
          .intoArray(y, yOffset + i);
    }
    for (; i < n; i++) {
      y[yOffset + i] += a * x[xOffset + i];
    }
  }

  @Override
  public float sumOfSquares(float[] x, int offset, int n) {
    FloatVector acc = FloatVector.zero(FLOATS);
    int bound = FLOATS.loopBound(n);
    int i = 0;
    for (; i < bound; i += LANES) {
      FloatVector v = FloatVector.fromArray(FLOATS, x, offset + i);
      acc = v.fma(v, acc);
    }
    float sum = sum(acc);
    for (; i < n; i++) {
      sum += x[offset + i] * x[offset + i];
    }
    return sum;
  }

  // Grouped-query attention: the query heads of one KV group against a tile of keys and values,
  // each key and value vector loaded once for the whole group (four heads per pass).

  /**
   * {@code scores[h * stride + t] = dot(q[q0 + h * headDim ..], keys[at[t] ..]) * scale} for heads
   * {@code h < group} and keys {@code t < count}; keys in F32 ({@code keys}) or, when it is null,
   * in BF16 ({@code keys16}).
   */
  static void groupScores(
      float[] q,
      int q0,
      int group,
      int headDim,
      float[] keys,
      short[] keys16,
      int[] at,
      int count,
      float scale,
      float[] scores,
      int stride) {
    int bound = FLOATS.loopBound(headDim);
    int h = 0;
    for (; h + 4 <= group; h += 4) {
      int qa = q0 + h * headDim;
      int qb = qa + headDim;
      int qc = qb + headDim;
      int qd = qc + headDim;
      for (int t = 0; t < count; t++) {
        int k0 = at[t];
        FloatVector a0 = FloatVector.zero(FLOATS);
        FloatVector a1 = FloatVector.zero(FLOATS);
        FloatVector a2 = FloatVector.zero(FLOATS);
        FloatVector a3 = FloatVector.zero(FLOATS);
        int d = 0;
        for (; d < bound; d += LANES) {
          FloatVector k =
              keys != null ? FloatVector.fromArray(FLOATS, keys, k0 + d) : bf16(keys16, k0 + d);
          a0 = FloatVector.fromArray(FLOATS, q, qa + d).fma(k, a0);
          a1 = FloatVector.fromArray(FLOATS, q, qb + d).fma(k, a1);
          a2 = FloatVector.fromArray(FLOATS, q, qc + d).fma(k, a2);
          a3 = FloatVector.fromArray(FLOATS, q, qd + d).fma(k, a3);
        }
        float s0 = sum(a0);
        float s1 = sum(a1);
        float s2 = sum(a2);
        float s3 = sum(a3);
        for (; d < headDim; d++) {
          float k = keys != null ? keys[k0 + d] : Bf16.toFloat(keys16[k0 + d]);
          s0 += q[qa + d] * k;
          s1 += q[qb + d] * k;
          s2 += q[qc + d] * k;
          s3 += q[qd + d] * k;
        }
        int o = h * stride + t;
        scores[o] = s0 * scale;
        scores[o + stride] = s1 * scale;
        scores[o + 2 * stride] = s2 * scale;
        scores[o + 3 * stride] = s3 * scale;
      }
    }
    for (; h < group; h++) {
      int qa = q0 + h * headDim;
      for (int t = 0; t < count; t++) {
        int k0 = at[t];
        FloatVector a0 = FloatVector.zero(FLOATS);
        int d = 0;
        for (; d < bound; d += LANES) {
          FloatVector k =
              keys != null ? FloatVector.fromArray(FLOATS, keys, k0 + d) : bf16(keys16, k0 + d);
          a0 = FloatVector.fromArray(FLOATS, q, qa + d).fma(k, a0);
        }
        float s0 = sum(a0);
        for (; d < headDim; d++) {
          s0 += q[qa + d] * (keys != null ? keys[k0 + d] : Bf16.toFloat(keys16[k0 + d]));
        }
        scores[h * stride + t] = s0 * scale;
      }
    }
  }

  /**
   * {@code acc[h * headDim + d] += sum_t weights[h * stride + t] * values[at[t] + d]} for heads
   * {@code h < group}, summed over {@code t} in order; values in F32 ({@code values}) or, when it
   * is null, in BF16 ({@code values16}).
   */
  static void groupWeightedSum(
      float[] weights,
      int stride,
      int group,
      int headDim,
      float[] values,
      short[] values16,
      int[] at,
      int count,
      float[] acc) {
    int bound = FLOATS.loopBound(headDim);
    int h = 0;
    for (; h + 4 <= group; h += 4) {
      int w0 = h * stride;
      int o0 = h * headDim;
      for (int d = 0; d < bound; d += LANES) {
        FloatVector a0 = FloatVector.fromArray(FLOATS, acc, o0 + d);
        FloatVector a1 = FloatVector.fromArray(FLOATS, acc, o0 + headDim + d);
        FloatVector a2 = FloatVector.fromArray(FLOATS, acc, o0 + 2 * headDim + d);
        FloatVector a3 = FloatVector.fromArray(FLOATS, acc, o0 + 3 * headDim + d);
        for (int t = 0; t < count; t++) {
          int v0 = at[t] + d;
          FloatVector v =
              values != null ? FloatVector.fromArray(FLOATS, values, v0) : bf16(values16, v0);
          a0 = v.fma(FloatVector.broadcast(FLOATS, weights[w0 + t]), a0);
          a1 = v.fma(FloatVector.broadcast(FLOATS, weights[w0 + stride + t]), a1);
          a2 = v.fma(FloatVector.broadcast(FLOATS, weights[w0 + 2 * stride + t]), a2);
          a3 = v.fma(FloatVector.broadcast(FLOATS, weights[w0 + 3 * stride + t]), a3);
        }
        a0.intoArray(acc, o0 + d);
        a1.intoArray(acc, o0 + headDim + d);
        a2.intoArray(acc, o0 + 2 * headDim + d);
        a3.intoArray(acc, o0 + 3 * headDim + d);
      }
      for (int d = bound; d < headDim; d++) {
        for (int t = 0; t < count; t++) {
          float v = values != null ? values[at[t] + d] : Bf16.toFloat(values16[at[t] + d]);
          for (int g = 0; g < 4; g++) {
            acc[o0 + g * headDim + d] += weights[w0 + g * stride + t] * v;
          }
        }
      }
    }
    for (; h < group; h++) {
      int w0 = h * stride;
      int o0 = h * headDim;
      for (int d = 0; d < bound; d += LANES) {
        FloatVector a0 = FloatVector.fromArray(FLOATS, acc, o0 + d);
        for (int t = 0; t < count; t++) {
          int v0 = at[t] + d;
          FloatVector v =
              values != null ? FloatVector.fromArray(FLOATS, values, v0) : bf16(values16, v0);
          a0 = v.fma(FloatVector.broadcast(FLOATS, weights[w0 + t]), a0);
        }
        a0.intoArray(acc, o0 + d);
      }
      for (int d = bound; d < headDim; d++) {
        for (int t = 0; t < count; t++) {
          float v = values != null ? values[at[t] + d] : Bf16.toFloat(values16[at[t] + d]);
          acc[o0 + d] += weights[w0 + t] * v;
        }
      }
    }
  }

  // exp for the attention softmax: Cody-Waite reduction x = n ln2 + r, |r| <= ln2 / 2, a degree-6
  // Taylor polynomial in r by Horner steps with fma, and 2^n put into the exponent bits. Only
  // adds, multiplies, fmas and conversions, which give the same bits interpreted and compiled
  // (lanewise(EXP) does not: C2 calls a vector math library, the interpreter Math.exp).
  private static final float LOG2E = 1.44269504f;
  private static final float LN2_HI =
      0.693145752f; // ln 2 with its last 12 bits zero: n * it is exact
  private static final float LN2_LO = 1.42860677e-6f;
  private static final float EXP_MIN = -87.3f; // below this exp(x) < 1.2e-38: taken as 0
  // Above this 2^n leaves the float exponent's range; exp(88) = 1.65e38 stands in for larger
  // values (SwiGLU's exp(-g) for g < -88, where silu(g) is 0 to within 1e-36 either way).
  private static final float EXP_MAX = 88f;
  private static final float[] EXP_POLY = {1f / 720, 1f / 120, 1f / 24, 1f / 6, 0.5f, 1f, 1f};

  /**
   * {@code scores[offset + t] = exp(scores[offset + t] - max)} for t in {@code [0, count)}, with
   * {@code scores <= max}; the vector lanes and the scalar tail compute the same function, so an
   * element's result never depends on where it falls in the tile. Within 2.3e-7 relative error of
   * {@link Math#exp} on {@code [-87.3, 0]} (measured by {@code KernelsTest}), 0 below.
   */
  static void expShifted(float[] scores, int offset, int count, float max) {
    int bound = FLOATS.loopBound(count);
    int t = 0;
    for (; t < bound; t += LANES) {
      exp(FloatVector.fromArray(FLOATS, scores, offset + t).sub(max)).intoArray(scores, offset + t);
    }
    for (; t < count; t++) {
      scores[offset + t] = expOf(scores[offset + t] - max);
    }
  }

  /**
   * {@code exp(x)} lane by lane for any sign: n rounds half away from zero (the magnitude truncated
   * after adding one half, then the sign). Inputs above {@code EXP_MAX} give {@code exp(EXP_MAX)},
   * below {@code EXP_MIN} 0; the same bits interpreted and compiled.
   */
  static FloatVector exp(FloatVector x) {
    VectorMask<Float> underflow = x.lt(EXP_MIN);
    x = x.max(EXP_MIN).min(EXP_MAX);
    FloatVector t = x.mul(LOG2E);
    FloatVector magnitude =
        (FloatVector)
            ((IntVector) t.abs().add(0.5f).convert(VectorOperators.F2I, 0))
                .convert(VectorOperators.I2F, 0);
    FloatVector nf = magnitude.blend(magnitude.neg(), t.lt(0f));
    IntVector n = (IntVector) nf.convert(VectorOperators.F2I, 0);
    FloatVector r = nf.fma(FloatVector.broadcast(FLOATS, -LN2_HI), x);
    r = nf.fma(FloatVector.broadcast(FLOATS, -LN2_LO), r);
    FloatVector p = FloatVector.broadcast(FLOATS, EXP_POLY[0]);
    for (int k = 1; k < EXP_POLY.length; k++) {
      p = p.fma(r, FloatVector.broadcast(FLOATS, EXP_POLY[k]));
    }
    FloatVector scale = n.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
    return p.mul(scale).blend(0f, underflow);
  }

  /** The scalar twin of one lane of {@link #exp}. */
  static float expOf(float x) {
    if (x < EXP_MIN) {
      return 0f;
    }
    x = Math.min(x, EXP_MAX);
    float t = x * LOG2E;
    int n = (int) (Math.abs(t) + 0.5f);
    if (t < 0f) {
      n = -n;
    }
    float nf = n;
    float r = Math.fma(nf, -LN2_HI, x);
    r = Math.fma(nf, -LN2_LO, r);
    float p = EXP_POLY[0];
    for (int k = 1; k < EXP_POLY.length; k++) {
      p = Math.fma(p, r, EXP_POLY[k]);
    }
    return p * Float.intBitsToFloat((n + 127) << 23);
  }
}
