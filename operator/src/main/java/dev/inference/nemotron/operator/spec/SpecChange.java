package dev.inference.nemotron.operator.spec;

/**
 * What a change of the spec means for the running fleet, from least to most disruptive. The mapping
 * of spec fields to these lives in {@link SpecDiff} and nowhere else.
 */
public enum SpecChange {
  /** Nothing the fleet sees changed. */
  NONE,
  /**
   * Only the builtin autoscaler's targets or behavior changed: its next decisions follow them,
   * nothing changes now.
   */
  RETUNE_AUTOSCALER,
  /**
   * The replica count, its bounds or who sets it changed: the Deployment may scale (only when the
   * count it should have differs), pods stay.
   */
  SCALE,
  /**
   * The weight cache claim's settings changed: the existing claim is kept, since its storage class
   * and access mode are immutable; only a larger size is requested, which the StorageClass grants
   * when it allows volume expansion. Pods stay.
   */
  CACHE,
  /**
   * A live setting of the runtime configuration changed (modes, a tenant's limits or weight): the
   * ConfigMap is rewritten and the runtime reloads it; no pod restarts. The kubelet updates the
   * mounted file within about a minute and the runtime applies it at its next poll.
   */
  RELOAD_CONFIGURATION,
  /**
   * What a pod is changed (model, weights format, GPUs, sizing, pod overrides, or what it mounts:
   * the tenant set and their key Secrets): pods roll one at a time, without losing capacity
   * (maxUnavailable 0).
   */
  ROLL_PODS;

  /** The more disruptive of the two. */
  public SpecChange max(SpecChange other) {
    return compareTo(other) >= 0 ? this : other;
  }
}
