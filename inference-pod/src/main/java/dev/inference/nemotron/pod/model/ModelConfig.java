package dev.inference.nemotron.pod.model;

import java.util.LinkedHashSet;
import java.util.List;

/**
 * The config.json fields the runtime uses (MODEL.md §2), validated. Parsing lives in the checkpoint
 * loader.
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

  public ModelConfig {
    eosTokenIds = List.copyOf(eosTokenIds);
    positive("hidden_size", hiddenSize);
    positive("num_hidden_layers", numHiddenLayers);
    positive("intermediate_size", intermediateSize);
    positive("num_attention_heads", numAttentionHeads);
    positive("num_key_value_heads", numKeyValueHeads);
    positive("head_dim", headDim);
    positive("vocab_size", vocabSize);
    positive("max_position_embeddings", maxPositionEmbeddings);
    positive("block_size", blockSize);
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

  private static void positive(String field, int value) {
    if (value <= 0) {
      throw new IllegalArgumentException(field + " must be positive, got " + value);
    }
  }
}
