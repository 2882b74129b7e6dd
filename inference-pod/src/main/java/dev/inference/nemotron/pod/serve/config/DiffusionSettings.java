package dev.inference.nemotron.pod.serve.config;

/**
 * {@code modes.diffusion} in runtime.yaml.
 *
 * @param blockSize tokens per block, 2 to 128 (the model is trained with 32)
 * @param threshold in (0, 1]: confidence at or above which a masked slot is revealed in the same
 *     step as the most confident one
 */
public record DiffusionSettings(int blockSize, double threshold) {

  /** The operator's defaults: blocks of 32, threshold 0.9. */
  public static final DiffusionSettings DEFAULTS = new DiffusionSettings(32, 0.9);

  /** Checks the ranges. */
  public DiffusionSettings {
    if (blockSize < 2 || blockSize > 128) {
      throw new IllegalArgumentException("blockSize must be between 2 and 128, got " + blockSize);
    }
    if (!(threshold > 0 && threshold <= 1)) {
      throw new IllegalArgumentException(
          "threshold must be greater than 0 and at most 1, got " + threshold);
    }
  }
}
