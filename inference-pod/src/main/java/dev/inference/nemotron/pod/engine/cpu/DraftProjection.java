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
 * The output projection of draft forwards, {@code W_o + scale * B A} (MODEL.md §3), either as a
 * low-rank update on the fly or as a pre-merged second o_proj per layer (see {@link
 * EngineSettings.DraftLoraMode}).
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

  /** {@code out [n, H] = attn [n, heads * headDim] (W_o + scale * B A)^T} for one layer. */
  void apply(int layer, Tensor oProj, float[] attn, int n, float[] out) {
    if (!merged.isEmpty()) {
      matmul.apply(merged.get(layer), attn, n, out);
      return;
    }
    matmul.apply(oProj, attn, n, out);
    float[] down = new float[n * rank]; // [n, r]
    matmul.apply(loraA.get(layer), attn, n, down);
    float[] up = new float[out.length]; // [n, H]
    matmul.apply(loraB.get(layer), down, n, up);
    kernels.axpy(scale, up, 0, out, 0, out.length);
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
      kernels.decode(oProj.dtype(), oProj.data(), (long) j * queryWidth, row, 0, queryWidth);
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
