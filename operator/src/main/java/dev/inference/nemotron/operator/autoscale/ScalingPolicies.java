package dev.inference.nemotron.operator.autoscale;

import dev.inference.nemotron.api.v1alpha1.NemotronDiffusionDeploymentSpec;
import dev.inference.nemotron.api.v1alpha1.ScalingBehavior;
import dev.inference.nemotron.api.v1alpha1.ScalingSpec;
import dev.inference.nemotron.api.v1alpha1.ScalingTargets;
import dev.inference.nemotron.operator.spec.SpecSizing;
import java.time.Duration;
import java.util.Objects;

/**
 * The control law's {@link ScalingPolicy} of a resource: its {@code spec.scaling} and constants.
 */
public final class ScalingPolicies {

  /**
   * The share of measured capacity planned for: 20% headroom absorbs a burst until the next step.
   */
  static final double TARGET_UTILIZATION = 0.8;

  /** A recommendation within 10% of the current count changes nothing (noise is not a reason). */
  static final double TOLERANCE = 0.1;

  private ScalingPolicies() {}

  /**
   * The policy of an accepted spec; absent fields take the API's defaults.
   *
   * @param staleAfter metrics older than this are not acted on
   */
  public static ScalingPolicy of(NemotronDiffusionDeploymentSpec spec, Duration staleAfter) {
    ScalingSpec scaling = Objects.requireNonNullElseGet(spec.getScaling(), ScalingSpec::new);
    ScalingTargets targets =
        Objects.requireNonNullElseGet(scaling.getTargets(), ScalingTargets::new);
    ScalingBehavior behavior =
        Objects.requireNonNullElseGet(scaling.getBehavior(), ScalingBehavior::new);
    ScalingTargets t0 = new ScalingTargets();
    ScalingBehavior b0 = new ScalingBehavior();
    int min = Objects.requireNonNullElse(scaling.getMinReplicas(), 1);
    int max = Math.max(Math.max(1, min), Objects.requireNonNullElse(scaling.getMaxReplicas(), min));
    return new ScalingPolicy(
        min,
        max,
        Objects.requireNonNullElse(targets.getP95LatencyMs(), t0.getP95LatencyMs()),
        Objects.requireNonNullElse(targets.getTimeToFirstTokenMs(), t0.getTimeToFirstTokenMs()),
        Objects.requireNonNullElse(targets.getMinTokensPerForward(), t0.getMinTokensPerForward()),
        Duration.ofSeconds(
            Objects.requireNonNullElse(
                behavior.getStabilizationSeconds(), b0.getStabilizationSeconds())),
        Objects.requireNonNullElse(behavior.getPanicThreshold(), b0.getPanicThreshold()),
        Duration.ofSeconds(
            Objects.requireNonNullElse(
                behavior.getScaleDownCooldownSeconds(), b0.getScaleDownCooldownSeconds())),
        TARGET_UTILIZATION,
        TOLERANCE,
        staleAfter,
        ForwardProfile.forwardsPerSecond(SpecSizing.gpuClass(spec), spec.getQuantization()));
  }
}
