package dev.inference.nemotron.operator.sizing;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The shapes of the Nemotron-Labs-Diffusion family (MODEL.md §1). Parameter counts are derived from
 * the tensor list (MODEL.md §3), so the sizing follows the architecture rather than a rounded name.
 */
public enum ModelShape {
  /**
   * Ties its LM head to the embedding, like Ministral-3's 3B: only a tied head gives the published
   * ~3.4 B parameters (an untied one would make 3.8 B).
   */
  B3("3B", 3072, 26, 9216, 32, 8, 128, 131_072, true),
  B8("8B", 4096, 34, 14_336, 32, 8, 128, 131_072, false),
  B14("14B", 5120, 40, 16_384, 32, 8, 128, 131_072, false);

  private final String specName;
  private final int hidden;
  private final int layers;
  private final int mlpWidth;
  private final int queryHeads;
  private final int kvHeads;
  private final int headDim;
  private final int vocab;
  private final boolean tiedHead;

  ModelShape(
      String specName,
      int hidden,
      int layers,
      int mlpWidth,
      int queryHeads,
      int kvHeads,
      int headDim,
      int vocab,
      boolean tiedHead) {
    this.specName = specName;
    this.hidden = hidden;
    this.layers = layers;
    this.mlpWidth = mlpWidth;
    this.queryHeads = queryHeads;
    this.kvHeads = kvHeads;
    this.headDim = headDim;
    this.vocab = vocab;
    this.tiedHead = tiedHead;
  }

  /** The spelling used in {@code spec.model.size}, e.g. {@code 8B}. */
  public String specName() {
    return specName;
  }

  public int hidden() {
    return hidden;
  }

  public int layers() {
    return layers;
  }

  public int mlpWidth() {
    return mlpWidth;
  }

  public int kvHeads() {
    return kvHeads;
  }

  public int headDim() {
    return headDim;
  }

  public int vocab() {
    return vocab;
  }

  /** Parameters in weight matrices: embedding, per-layer projections and MLP, the LM head. */
  public long matrixParameters() {
    long attention = 2L * queryHeads * headDim * hidden + 2L * kvHeads * headDim * hidden;
    long mlp = 3L * mlpWidth * hidden;
    long embeddingAndHead = (tiedHead ? 1L : 2L) * vocab * hidden;
    return embeddingAndHead + layers * (attention + mlp);
  }

  /** Parameters in RMSNorm vectors (two per layer plus the final norm); never quantized. */
  public long normParameters() {
    return (2L * layers + 1) * hidden;
  }

  /** Parses a {@code spec.model.size} value (case-insensitive). */
  public static Optional<ModelShape> fromSpecName(String name) {
    return Arrays.stream(values()).filter(s -> s.specName.equalsIgnoreCase(name)).findFirst();
  }

  /** The accepted {@code spec.model.size} values, for error messages. */
  public static String specNames() {
    return Arrays.stream(values()).map(ModelShape::specName).collect(Collectors.joining(", "));
  }
}
