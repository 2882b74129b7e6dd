package dev.inference.nemotron.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Checkpoint size of a Nemotron-Labs-Diffusion model. */
public enum ModelSize {
  /** About 3.4 B parameters (hidden 3072, 26 layers). */
  @JsonProperty("3B")
  SIZE_3B,
  /** About 8.5 B parameters (hidden 4096, 34 layers). */
  @JsonProperty("8B")
  SIZE_8B,
  /** About 13.5 B parameters (hidden 5120, 40 layers). */
  @JsonProperty("14B")
  SIZE_14B
}
