package dev.inference.nemotron.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The accelerator a replica runs on; {@link #CPU} runs without one. */
public enum GpuClass {
  @JsonProperty("H100")
  H100,
  @JsonProperty("H200")
  H200,
  @JsonProperty("B200")
  B200,
  @JsonProperty("GB200")
  GB200,
  @JsonProperty("A100-80GB")
  A100_80GB,
  @JsonProperty("A100-40GB")
  A100_40GB,
  @JsonProperty("L40S")
  L40S,
  @JsonProperty("L4")
  L4,
  /** No accelerator: the runtime's CPU backend. */
  @JsonProperty("CPU")
  CPU
}
