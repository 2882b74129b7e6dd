package dev.inference.nemotron.pod.engine.cpu;

import dev.inference.nemotron.pod.model.DType;
import dev.inference.nemotron.pod.model.DraftAdapter;
import dev.inference.nemotron.pod.model.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The output projection of draft rows, {@code W_o + scale * B A} (MODEL.md §3), either as a
 * low-rank update on the fly or as a pre-merged second o_proj per layer (see {@link
 * EngineSettings.DraftLoraMode}); rows of the same forward without the adapter keep {@code W_o}.
 */
final class DraftProjection {
  private static final ValueLayout.OfShort SHORT_LE =
      ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  private static final ValueLayout.OfFloat FLOAT_LE =
      ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  private final Matmul matmul;
  private final Kernels kernels;
  private final float scale;
  private final int rank;
  private final List<Tensor> loraA; // per layer [r, heads * headDim]
  private final List<Tensor> loraB; // per layer [H, r]
  private final List<Tensor> merged; // per layer [H, heads * headDim], or empty

  DraftProjection(
      DraftAdapter adapter,
      List<Tensor> oProj,
      EngineSettings.DraftLoraMode mode,
      Matmul matmul,
      Kernels kernels) {
    this.matmul = matmul;
    this.kernels = kernels;
    this.scale = (float) adapter.scale();
    this.rank = adapter.rank();
    this.loraA = adapter.loraA();
    this.loraB = adapter.loraB();
    if (loraA.size() != oProj.size()) {
      throw new IllegalArgumentException(
          "draft adapter has " + loraA.size() + " layers, the model " + oProj.size());
    }
    for (int l = 0; l < oProj.size(); l++) {
      int hidden = oProj.get(l).rows();
      int queryWidth = oProj.get(l).columns();
      NetworkShape.require(loraA.get(l), "draft adapter layer " + l + " lora_A", rank, queryWidth);
      NetworkShape.require(loraB.get(l), "draft adapter layer " + l + " lora_B", hidden, rank);
    }
    List<Tensor> m = new ArrayList<>();
    if (mode == EngineSettings.DraftLoraMode.MERGED) {
      for (int l = 0; l < oProj.size(); l++) {
        m.add(merge(oProj.get(l), loraA.get(l), loraB.get(l)));
      }
    }
    this.merged = List.copyOf(m);
  }

  /**
   * One layer's output projection of {@code attn [n, heads * headDim]} into {@code out [n, H]}:
   * {@code W_o + scale * B A} for the adapter rows (strictly increasing, non-empty), {@code W_o}
   * for the rest. Each weight is read once for all the rows it serves. In the low-rank mode the
   * other rows get exactly the plain {@code attn W_o^T} of a forward without adapter; in the merged
   * mode they are computed apart from the adapter rows, which may move their last bits with kernels
   * whose rounding depends on how many rows a matmul holds.
   */
  void apply(int layer, Tensor oProj, float[] attn, int n, int[] adapterRows, float[] out) {
    int m = adapterRows.length;
    int queryWidth = oProj.columns();
    int hidden = oProj.rows();
    if (!merged.isEmpty()) {
      if (m == n) {
        matmul.apply(merged.get(layer), attn, n, out);
        return;
      }
      int[] baseRows = complement(adapterRows, n);
      float[] withAdapter = new float[m * hidden]; // [m, H]
      matmul.apply(merged.get(layer), gather(attn, adapterRows, queryWidth), m, withAdapter);
      float[] plain = new float[baseRows.length * hidden]; // [n - m, H]
      matmul.apply(oProj, gather(attn, baseRows, queryWidth), baseRows.length, plain);
      scatter(withAdapter, adapterRows, hidden, out);
      scatter(plain, baseRows, hidden, out);
      return;
    }
    matmul.apply(oProj, attn, n, out);
    float[] down = new float[m * rank]; // [m, r]
    matmul.apply(loraA.get(layer), m == n ? attn : gather(attn, adapterRows, queryWidth), m, down);
    float[] up = new float[m * hidden]; // [m, H]
    matmul.apply(loraB.get(layer), down, m, up);
    for (int i = 0; i < m; i++) {
      kernels.axpy(scale, up, i * hidden, out, adapterRows[i] * hidden, hidden);
    }
  }

  /** Rows {@code rows} of {@code [*, width]}, packed. */
  private static float[] gather(float[] in, int[] rows, int width) {
    float[] out = new float[rows.length * width];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(in, rows[i] * width, out, i * width, width);
    }
    return out;
  }

  /** Packed rows back to their places {@code rows} of {@code [*, width]}. */
  private static void scatter(float[] packed, int[] rows, int width, float[] out) {
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(packed, i * width, out, rows[i] * width, width);
    }
  }

  /** Rows of [0, n) not in the strictly increasing {@code rows}. */
  private static int[] complement(int[] rows, int n) {
    int[] out = new int[n - rows.length];
    int next = 0;
    int k = 0;
    for (int r = 0; r < n; r++) {
      if (next < rows.length && rows[next] == r) {
        next++;
      } else {
        out[k++] = r;
      }
    }
    return out;
  }

  /** {@code W_o + scale * B A}, stored in W_o's format (F16 widens to F32 to avoid overflow). */
  private Tensor merge(Tensor oProj, Tensor a, Tensor b) {
    int hidden = oProj.rows();
    int queryWidth = oProj.columns();
    float[] aTransposed = new float[queryWidth * rank]; // [heads * headDim, r]
    for (int k = 0; k < rank; k++) {
      for (int c = 0; c < queryWidth; c++) {
        aTransposed[c * rank + k] = a.get((long) k * queryWidth + c);
      }
    }
    float[] bRows = new float[hidden * rank]; // [H, r]
    kernels.decode(b.dtype(), b.data(), 0, bRows, 0, bRows.length);
    float[] product = new float[hidden * queryWidth]; // [H, heads * headDim] = B A
    matmul.apply(Tensor.ofFloats("A^T", aTransposed, queryWidth, rank), bRows, hidden, product);
    float[] row = new float[queryWidth];
    for (int j = 0; j < hidden; j++) {
      if (oProj.isQuantized()) {
        oProj.decode((long) j * queryWidth, row, 0, queryWidth); // dequantized, merged as F32
      } else {
        kernels.decode(oProj.dtype(), oProj.data(), (long) j * queryWidth, row, 0, queryWidth);
      }
      kernels.axpy(scale, product, j * queryWidth, row, 0, queryWidth);
      System.arraycopy(row, 0, product, j * queryWidth, queryWidth);
    }
    String name = oProj.name() + "+lora";
    long[] shape = {hidden, queryWidth};
    // Off-heap like the mapped checkpoint weights, so the kernels take the same path for both.
    if (oProj.dtype() != DType.BF16) {
      MemorySegment data = Arena.ofAuto().allocate(4L * product.length, 64);
      MemorySegment.copy(product, 0, data, FLOAT_LE, 0, product.length);
      return new Tensor(name, DType.F32, shape, data);
    }
    MemorySegment data = Arena.ofAuto().allocate(2L * product.length, 64);
    for (int i = 0; i < product.length; i++) {
      data.set(SHORT_LE, 2L * i, toBf16(product[i]));
    }
    return new Tensor(name, DType.BF16, shape, data);
  }

  /** Round-to-nearest-even fp32 to bf16 (finite values). */
  static short toBf16(float value) {
    int bits = Float.floatToRawIntBits(value);
    return (short) ((bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16);
  }
}
