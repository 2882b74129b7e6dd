package dev.inference.nemotron.operator.autoscale;

import java.time.Duration;

/**
 * The knobs of the control law, from the resource's {@code spec.scaling} plus the operator's
 * constants.
 *
 * @param minReplicas lower bound
 * @param maxReplicas upper bound
 * @param p95LatencyTargetMs the latency guard on request duration
 * @param timeToFirstTokenTargetMs the latency guard on time to first token
 * @param minTokensPerForward below it a mode is reported as not paying
 * @param stabilization scale-down uses the highest recommendation over this window
 * @param panicThreshold demand above this multiple of the current capacity scales up at once
 * @param scaleDownCooldown time since the last change before scaling down
 * @param targetUtilization the share of measured capacity to plan for (headroom for bursts)
 * @param tolerance relative change of the recommendation ignored (no flapping on noise)
 * @param staleAfter a sample older than this is not acted on
 * @param fallbackForwardsPerSecondPerReplica forward passes per second a replica is assumed to
 *     reach at saturation until a saturated sample measured it (the GPU class's profile)
 */
public record ScalingPolicy(
    int minReplicas,
    int maxReplicas,
    double p95LatencyTargetMs,
    double timeToFirstTokenTargetMs,
    double minTokensPerForward,
    Duration stabilization,
    double panicThreshold,
    Duration scaleDownCooldown,
    double targetUtilization,
    double tolerance,
    Duration staleAfter,
    double fallbackForwardsPerSecondPerReplica) {

  public ScalingPolicy {
    if (minReplicas < 0 || maxReplicas < Math.max(1, minReplicas)) {
      throw new IllegalArgumentException(
          "replica bounds must satisfy 0 <= min <= max and max >= 1: "
              + minReplicas
              + ".."
              + maxReplicas);
    }
    if (!(targetUtilization > 0 && targetUtilization <= 1)) {
      throw new IllegalArgumentException(
          "target utilization must be in (0, 1]: " + targetUtilization);
    }
    if (!(panicThreshold > 1)) {
      throw new IllegalArgumentException("panic threshold must be > 1: " + panicThreshold);
    }
    if (!(fallbackForwardsPerSecondPerReplica > 0)) {
      throw new IllegalArgumentException("fallback capacity must be > 0");
    }
  }
}
