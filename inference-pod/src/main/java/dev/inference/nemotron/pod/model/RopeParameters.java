package dev.inference.nemotron.pod.model;

/**
 * Rotary embedding settings (config.json {@code rope_parameters}, or the older {@code rope_scaling}
 * + {@code rope_theta}); see MODEL.md §2 and §4 for the YaRN formulas.
 *
 * @param type {@code yarn} or {@code default} (plain RoPE)
 * @param theta the RoPE base
 * @param factor YaRN context extension factor (1 for plain RoPE)
 * @param originalMaxPositionEmbeddings the pre-extension context; also the llama-4 query-scale
 *     period
 * @param betaFast YaRN ramp high-frequency bound
 * @param betaSlow YaRN ramp low-frequency bound
 * @param mscale YaRN attention-factor numerator parameter
 * @param mscaleAllDim YaRN attention-factor denominator parameter
 * @param attentionFactor YaRN's explicit {@code attention_factor}, which Hugging Face uses instead
 *     of the mscale rule when config.json gives one; null when it does not (always null for plain
 *     RoPE)
 * @param truncate YaRN's {@code truncate}: whether the ramp bounds are floored and ceiled to whole
 *     pairs (Hugging Face's default, true)
 * @param llama4ScalingBeta the llama-4 query scale's beta (0 disables it)
 */
public record RopeParameters(
    String type,
    double theta,
    double factor,
    int originalMaxPositionEmbeddings,
    double betaFast,
    double betaSlow,
    double mscale,
    double mscaleAllDim,
    Double attentionFactor,
    boolean truncate,
    double llama4ScalingBeta) {

  public RopeParameters {
    if (!type.equals("yarn") && !type.equals("default")) {
      throw new IllegalArgumentException(
          "rope type '" + type + "' is not supported (yarn, default)");
    }
    if (!(theta > 0) || Double.isInfinite(theta)) {
      throw new IllegalArgumentException("rope_theta must be a positive number, got " + theta);
    }
    if (!(factor >= 1)) {
      throw new IllegalArgumentException("rope factor must be >= 1, got " + factor);
    }
    if (originalMaxPositionEmbeddings <= 0) {
      throw new IllegalArgumentException(
          "original_max_position_embeddings must be positive, got "
              + originalMaxPositionEmbeddings);
    }
    if (attentionFactor != null) {
      if (!type.equals("yarn")) {
        throw new IllegalArgumentException(
            "attention_factor applies to yarn only, not rope type '" + type + "'");
      }
      if (!(attentionFactor > 0) || attentionFactor.isInfinite()) {
        throw new IllegalArgumentException(
            "attention_factor must be a positive number, got " + attentionFactor);
      }
    }
  }
}
