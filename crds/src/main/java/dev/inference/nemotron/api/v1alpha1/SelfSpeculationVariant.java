package dev.inference.nemotron.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How self-speculation drafts and verifies. */
public enum SelfSpeculationVariant {
  /** Two forwards per round: a diffusion draft of the block, then an autoregressive verify. */
  @JsonProperty("linear")
  LINEAR,
  /** One forward per round of blockSize*(blockSize+1) tokens that verifies and drafts at once. */
  @JsonProperty("quadratic")
  QUADRATIC
}
