package dev.inference.nemotron.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Which checkpoint of a size: pretrained or chat-tuned. */
public enum ModelVariant {
  /** The pretrained checkpoint. */
  @JsonProperty("base")
  BASE,
  /** The instruction-tuned (chat) checkpoint. */
  @JsonProperty("instruct")
  INSTRUCT
}
