package dev.inference.nemotron.pod.engine.cuda;

import dev.inference.nemotron.pod.model.ModelConfig;

/**
 * The dimensions the GPU memory plan and launch geometry depend on.
 *
 * @param hidden hidden_size
 * @param layers num_hidden_layers
 * @param intermediate intermediate_size
 * @param heads num_attention_heads
 * @param kvHeads num_key_value_heads
 * @param headDim head_dim
 * @param vocab vocab_size
 */
public record ModelDims(
    int hidden, int layers, int intermediate, int heads, int kvHeads, int headDim, int vocab) {

  /** The 3B of MODEL.md §1. */
  public static final ModelDims B3 = new ModelDims(3072, 26, 9216, 32, 8, 128, 131_072);

  /** The 8B of MODEL.md §1. */
  public static final ModelDims B8 = new ModelDims(4096, 34, 14_336, 32, 8, 128, 131_072);

  /** The 14B of MODEL.md §1. */
  public static final ModelDims B14 = new ModelDims(5120, 40, 16_384, 32, 8, 128, 131_072);

  /** The dimensions of a loaded config. */
  public static ModelDims of(ModelConfig c) {
    return new ModelDims(
        c.hiddenSize(),
        c.numHiddenLayers(),
        c.intermediateSize(),
        c.numAttentionHeads(),
        c.numKeyValueHeads(),
        c.headDim(),
        c.vocabSize());
  }

  public int queryWidth() {
    return heads * headDim;
  }

  public int kvWidth() {
    return kvHeads * headDim;
  }

  /** Elements of the weight matrices (embedding, projections, MLP, untied LM head). */
  public long matrixElements() {
    long perLayer =
        2L * queryWidth() * hidden + 2L * kvWidth() * hidden + 3L * intermediate * hidden;
    return 2L * vocab * hidden + layers * perLayer;
  }

  /** Elements of the RMSNorm vectors (two per layer and the final one). */
  public long normElements() {
    return (2L * layers + 1) * hidden;
  }

  /** Device bytes of the weights with matrices stored at {@code bytesPerElement} (2 for BF16). */
  public long deviceWeightBytes(double bytesPerElement) {
    return (long) Math.ceil(matrixElements() * bytesPerElement) + normElements() * Float.BYTES;
  }

  /** Bytes of one KV position on the device: K and V of every layer, fp32. */
  public long kvBytesPerPosition() {
    return 2L * layers * kvWidth() * Float.BYTES;
  }
}
