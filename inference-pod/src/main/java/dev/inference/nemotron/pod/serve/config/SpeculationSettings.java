package dev.inference.nemotron.pod.serve.config;

import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code modes.selfSpeculation} in runtime.yaml.
 *
 * @param blockSize tokens drafted per round, 2 to 128; at most {@value #MAX_QUADRATIC_BLOCK} for
 *     the quadratic variant, whose one forward holds blockSize * (blockSize + 1) tokens
 * @param variant linear (draft, then verify: two forwards per round) or quadratic (one forward)
 */
public record SpeculationSettings(int blockSize, Variant variant) {

  /** The largest block of the quadratic variant (1056 tokens per forward). */
  public static final int MAX_QUADRATIC_BLOCK = 32;

  /** The operator's defaults: blocks of 32, linear. */
  public static final SpeculationSettings DEFAULTS = new SpeculationSettings(32, Variant.LINEAR);

  /** How a round drafts and verifies. */
  public enum Variant {
    /** Two forwards per round: draft, then verify. */
    LINEAR("linear"),
    /** One forward per round that verifies the last draft and drafts the next. */
    QUADRATIC("quadratic");

    private final String yamlName;

    Variant(String yamlName) {
      this.yamlName = yamlName;
    }

    /** The name in runtime.yaml. */
    public String yamlName() {
      return yamlName;
    }

    /** The variant named {@code name}, if any. */
    public static Optional<Variant> fromYamlName(String name) {
      return Arrays.stream(values()).filter(v -> v.yamlName.equals(name)).findFirst();
    }
  }

  /** Checks the ranges. */
  public SpeculationSettings {
    Objects.requireNonNull(variant, "variant");
    if (blockSize < 2 || blockSize > 128) {
      throw new IllegalArgumentException("blockSize must be between 2 and 128, got " + blockSize);
    }
    if (variant == Variant.QUADRATIC && blockSize > MAX_QUADRATIC_BLOCK) {
      throw new IllegalArgumentException(
          "blockSize must be at most %d for the quadratic variant, got %d; use the linear variant for larger blocks"
              .formatted(MAX_QUADRATIC_BLOCK, blockSize));
    }
  }
}
