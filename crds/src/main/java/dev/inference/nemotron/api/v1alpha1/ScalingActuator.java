package dev.inference.nemotron.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Who sets the number of replicas. */
public enum ScalingActuator {
  /** The operator's autoscaler, on tokens per forward and latency. */
  @JsonProperty("builtin")
  BUILTIN,
  /** An external autoscaler (HPA, KEDA) writing spec.replicas through the /scale subresource. */
  @JsonProperty("external")
  EXTERNAL
}
