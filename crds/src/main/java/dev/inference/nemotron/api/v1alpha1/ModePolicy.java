package dev.inference.nemotron.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Who decides the mode mix of requests that name no mode. */
public enum ModePolicy {
  /** The spec's {@code modes.mix}, as written. */
  @JsonProperty("static")
  STATIC,
  /**
   * The builtin autoscaler shifts the mix within {@code scaling.modeBounds} toward the mode that
   * gives the most tokens per second per replica; the mix in force is in {@code
   * status.effectiveModeMix}.
   */
  @JsonProperty("adaptive")
  ADAPTIVE
}
