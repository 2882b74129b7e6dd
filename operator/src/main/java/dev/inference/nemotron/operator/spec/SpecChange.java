package dev.inference.nemotron.operator.spec;

/**
 * What a change of the spec means for the running fleet, from least to most disruptive. The mapping
 * of spec fields to these lives in {@link SpecDiff} and nowhere else.
 */
public enum SpecChange {
  /** Nothing the fleet sees changed. */
  NONE,
  /** Only the replica count (or its bounds) changed: the Deployment scales, pods stay. */
  SCALE,
  /**
   * The runtime configuration changed (modes, tenants): the ConfigMap is rewritten and its hash on
   * the pod template rolls the pods one at a time, without losing capacity (maxUnavailable 0),
   * because the runtime reads its configuration at start.
   */
  RELOAD_CONFIGURATION,
  /** What a pod is changed (model, weights format, GPUs, sizing, pod overrides): pods roll. */
  ROLL_PODS;

  /** The more disruptive of the two. */
  public SpecChange max(SpecChange other) {
    return compareTo(other) >= 0 ? this : other;
  }
}
