package dev.inference.nemotron.pod.model;

import java.util.LinkedHashSet;
import java.util.List;

/**
 * The config.json fields the runtime uses (MODEL.md §2), validated. Parsing lives in the checkpoint
 * loader.
 *
 * <p>Every size is bounded as well as positive: the runtime sizes lists, caches and buffers from
 * these numbers, so a corrupt or hostile {@code num_hidden_layers: 2147483647} must fail here,
 * naming the field, rather than exhaust the heap later. The bounds are far above every released
 * model (the largest Nemotron-Labs-Diffusion has H 5120, 40 layers, 131072 ids) and keep every
 * derived width ({@code heads * head_dim}) and tensor element count ({@code vocab * H}) within
 * range of an {@code int} row count and a {@code long} element count. The checkpoint loader then
 * checks each size against the tensors present ({@link Checkpoint#open}).
 *
 * @param hiddenSize H
 * @param numHiddenLayers number of decoder layers
 * @param intermediateSize MLP width I
 * @param numAttentionHeads query heads
 * @param numKeyValueHeads key/value heads (GQA); divides the query heads
 * @param headDim per-head width (not necessarily H / heads)
 * @param vocabSize rows of the embedding and LM head
 * @param rmsNormEps RMSNorm epsilon
 * @param maxPositionEmbeddings longest supported context
 * @param maskTokenId the diffusion mask token
 * @param blockSize the default diffusion block size
 * @param eosTokenIds end-of-sequence ids (config.json may hold one or a list; an opened checkpoint
 *     adds those of generation_config.json)
 * @param bosTokenId beginning-of-sequence id, or -1 when absent
 * @param rope rotary embedding settings
 */
public record ModelConfig(
    int hiddenSize,
    int numHiddenLayers,
    int intermediateSize,
    int numAttentionHeads,
    int numKeyValueHeads,
    int headDim,
    int vocabSize,
    double rmsNormEps,
    int maxPositionEmbeddings,
    int maskTokenId,
    int blockSize,
    List<Integer> eosTokenIds,
    int bosTokenId,
    RopeParameters rope) {

  /** Largest {@code hidden_size} accepted. */
  public static final int MAX_HIDDEN_SIZE = 1 << 16;

  /** Largest {@code num_hidden_layers} accepted. */
  public static final int MAX_LAYERS = 1024;

  /** Largest {@code intermediate_size} accepted. */
  public static final int MAX_INTERMEDIATE_SIZE = 1 << 18;

  /** Largest {@code num_attention_heads} (and so {@code num_key_value_heads}) accepted. */
  public static final int MAX_HEADS = 1024;

  /** Largest {@code head_dim} accepted. */
  public static final int MAX_HEAD_DIM = 1024;

  /** Largest {@code vocab_size} accepted (the tokenizer's bound too). */
  public static final int MAX_VOCAB_SIZE = 1 << 23;

  /** Largest {@code max_position_embeddings} accepted (16M positions). */
  public static final int MAX_POSITION_EMBEDDINGS = 1 << 24;

  /** Largest {@code block_size} accepted. */
  public static final int MAX_BLOCK_SIZE = 1024;

  public ModelConfig {
    eosTokenIds = List.copyOf(eosTokenIds);
    bounded("hidden_size", hiddenSize, MAX_HIDDEN_SIZE);
    bounded("num_hidden_layers", numHiddenLayers, MAX_LAYERS);
    bounded("intermediate_size", intermediateSize, MAX_INTERMEDIATE_SIZE);
    bounded("num_attention_heads", numAttentionHeads, MAX_HEADS);
    bounded("num_key_value_heads", numKeyValueHeads, MAX_HEADS);
    bounded("head_dim", headDim, MAX_HEAD_DIM);
    bounded("vocab_size", vocabSize, MAX_VOCAB_SIZE);
    bounded("max_position_embeddings", maxPositionEmbeddings, MAX_POSITION_EMBEDDINGS);
    bounded("block_size", blockSize, MAX_BLOCK_SIZE);
    if (numAttentionHeads % numKeyValueHeads != 0) {
      throw new IllegalArgumentException(
          "num_attention_heads ("
              + numAttentionHeads
              + ") must be a multiple of num_key_value_heads ("
              + numKeyValueHeads
              + ")");
    }
    if (headDim % 2 != 0) {
      throw new IllegalArgumentException("head_dim must be even for RoPE, got " + headDim);
    }
    if (maskTokenId < 0 || maskTokenId >= vocabSize) {
      throw new IllegalArgumentException(
          "mask_token_id " + maskTokenId + " is outside the vocabulary [0, " + vocabSize + ")");
    }
    for (int eos : eosTokenIds) {
      if (eos < 0 || eos >= vocabSize) {
        throw new IllegalArgumentException(
            "eos_token_id " + eos + " is outside the vocabulary [0, " + vocabSize + ")");
      }
    }
    if (!(rmsNormEps > 0)) {
      throw new IllegalArgumentException("rms_norm_eps must be positive, got " + rmsNormEps);
    }
  }

  /**
   * This config with {@code more} end-of-sequence ids after its own, each id once, in first-seen
   * order.
   */
  public ModelConfig withMoreEosTokenIds(List<Integer> more) {
    LinkedHashSet<Integer> ids = new LinkedHashSet<>(eosTokenIds);
    ids.addAll(more);
    return new ModelConfig(
        hiddenSize,
        numHiddenLayers,
        intermediateSize,
        numAttentionHeads,
        numKeyValueHeads,
        headDim,
        vocabSize,
        rmsNormEps,
        maxPositionEmbeddings,
        maskTokenId,
        blockSize,
        List.copyOf(ids),
        bosTokenId,
        rope);
  }

  /** Query heads per key/value head. */
  public int groupSize() {
    return numAttentionHeads / numKeyValueHeads;
  }

  /** Width of the concatenated query heads. */
  public int queryWidth() {
    return numAttentionHeads * headDim;
  }

  /** Width of the concatenated key (or value) heads. */
  public int kvWidth() {
    return numKeyValueHeads * headDim;
  }

  /**
   * Bytes of KV cache one position takes: {@code layers * kvHeads * headDim * 2 (K and V) * 4}
   * (fp32, as the CPU engine stores it). Multiply by a cache's capacity to refuse a cache that
   * cannot fit before allocating it.
   */
  public long kvBytesPerPosition() {
    return (long) numHiddenLayers * numKeyValueHeads * headDim * 2 * Float.BYTES;
  }

  /**
   * Bytes of a KV cache of {@code positions} positions ({@link #kvBytesPerPosition()} each).
   *
   * @throws IllegalArgumentException for a negative count
   */
  public long kvCacheBytes(long positions) {
    if (positions < 0) {
      throw new IllegalArgumentException("positions must be >= 0, got " + positions);
    }
    return Math.multiplyExact(kvBytesPerPosition(), positions);
  }

  /** Bytes of one row of fp32 logits ({@code vocab_size * 4}). */
  public long logitBytesPerRow() {
    return (long) vocabSize * Float.BYTES;
  }

  private static void bounded(String field, int value, int max) {
    if (value <= 0) {
      throw new IllegalArgumentException(field + " must be positive, got " + value);
    }
    if (value > max) {
      throw new IllegalArgumentException(
          field
              + " is "
              + value
              + ", beyond the largest supported value "
              + max
              + " (a corrupt config.json? no released model comes close)");
    }
  }
}
