package dev.inference.nemotron.pod.model;

import java.nio.file.Path;

/**
 * What {@link TinyCheckpoint#write} generates: a Nemotron-Labs-Diffusion checkpoint of any size
 * with seeded random weights.
 *
 * @param hidden H
 * @param layers decoder layers
 * @param intermediate MLP width
 * @param heads query heads
 * @param kvHeads key/value heads, dividing {@code heads}
 * @param headDim per-head width, even
 * @param vocab vocabulary of the generated tokenizer; 0 with {@code tokenizer}, whose vocabulary is
 *     then used
 * @param dtype storage format of every tensor
 * @param seed random seed: the same spec writes the same bytes
 * @param originalMaxPositions YaRN's pre-extension context (small, so that tests reach beyond it)
 * @param ropeTheta the RoPE base
 * @param ropeFactor YaRN factor; max_position_embeddings is {@code originalMaxPositions * factor}
 * @param shards 1 for {@code model.safetensors}, more for an index and that many shards
 * @param loraRank rank of a generated draft adapter in {@code linear_spec_lora/}, 0 for none
 * @param tokenizer a directory with a real tokenizer.json + tokenizer_config.json to copy, or null
 *     to generate a tiny tokenizer
 */
public record TinyCheckpointSpec(
    int hidden,
    int layers,
    int intermediate,
    int heads,
    int kvHeads,
    int headDim,
    int vocab,
    DType dtype,
    long seed,
    int originalMaxPositions,
    double ropeTheta,
    double ropeFactor,
    int shards,
    int loraRank,
    Path tokenizer) {

  /** Vocabulary of the generated tokenizer when none is given. */
  public static final int DEFAULT_VOCAB = 512;

  public TinyCheckpointSpec {
    bounded("hidden", hidden, ModelConfig.MAX_HIDDEN_SIZE);
    bounded("layers", layers, ModelConfig.MAX_LAYERS);
    bounded("intermediate", intermediate, ModelConfig.MAX_INTERMEDIATE_SIZE);
    bounded("heads", heads, ModelConfig.MAX_HEADS);
    bounded("kv-heads", kvHeads, ModelConfig.MAX_HEADS);
    bounded("head-dim", headDim, ModelConfig.MAX_HEAD_DIM);
    bounded("original-max-positions", originalMaxPositions, ModelConfig.MAX_POSITION_EMBEDDINGS);
    bounded("shards", shards, Integer.MAX_VALUE);
    if (heads % kvHeads != 0) {
      throw new IllegalArgumentException(
          "kv-heads (" + kvHeads + ") must divide heads (" + heads + ")");
    }
    if (headDim % 2 != 0) {
      throw new IllegalArgumentException("head-dim must be even for RoPE, got " + headDim);
    }
    if (dtype == null) {
      throw new IllegalArgumentException("dtype is required (bf16, f16 or f32)");
    }
    if (tokenizer == null) {
      bounded("vocab", vocab, ModelConfig.MAX_VOCAB_SIZE);
    }
    if (tokenizer != null && vocab != 0) {
      throw new IllegalArgumentException(
          "vocab comes from the tokenizer in " + tokenizer + "; do not give both");
    }
    if (!(ropeTheta > 0)) {
      throw new IllegalArgumentException("rope-theta must be positive, got " + ropeTheta);
    }
    if (!(ropeFactor >= 1)
        || Math.round(originalMaxPositions * ropeFactor) > ModelConfig.MAX_POSITION_EMBEDDINGS) {
      throw new IllegalArgumentException(
          "rope-factor must be >= 1 and original-max-positions * rope-factor at most "
              + ModelConfig.MAX_POSITION_EMBEDDINGS
              + ", got "
              + ropeFactor);
    }
    int tensors = 9 * layers + 3;
    if (shards > tensors) {
      throw new IllegalArgumentException(
          "shards (" + shards + ") exceeds the " + tensors + " tensors: every shard needs one");
    }
    if (loraRank < 0) {
      throw new IllegalArgumentException("lora-rank must be >= 0, got " + loraRank);
    }
  }

  /** The small default: H 64, 2 layers, I 128, 4 heads of 32 over 2 kv heads, bf16. */
  public static TinyCheckpointSpec defaults() {
    return new TinyCheckpointSpec(
        64, 2, 128, 4, 2, 32, DEFAULT_VOCAB, DType.BF16, 42, 64, 10000, 4, 1, 0, null);
  }

  /** The model's {@code max_position_embeddings}. */
  public int maxPositions() {
    return (int) Math.round(originalMaxPositions * ropeFactor);
  }

  private static void bounded(String field, int value, int max) {
    if (value <= 0) {
      throw new IllegalArgumentException(field + " must be positive, got " + value);
    }
    if (value > max) {
      throw new IllegalArgumentException(field + " must be at most " + max + ", got " + value);
    }
  }
}
