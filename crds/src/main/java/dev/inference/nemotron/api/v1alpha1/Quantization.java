package dev.inference.nemotron.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Storage format of the weights on the accelerator. */
public enum Quantization {
  /** bfloat16, the format the checkpoints ship in. */
  @JsonProperty("bf16")
  BF16,
  /** 8-bit floating point; needs a GPU class with FP8 tensor cores. */
  @JsonProperty("fp8")
  FP8,
  /** 8-bit integers with blockwise scales. */
  @JsonProperty("int8")
  INT8,
  /** 4-bit integers with blockwise scales. */
  @JsonProperty("int4")
  INT4
}
