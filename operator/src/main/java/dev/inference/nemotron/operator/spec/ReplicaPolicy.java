package dev.inference.nemotron.operator.spec;

import dev.inference.nemotron.api.v1alpha1.NemotronDiffusionDeploymentSpec;
import dev.inference.nemotron.api.v1alpha1.ScalingActuator;
import dev.inference.nemotron.api.v1alpha1.ScalingSpec;
import java.util.Objects;
import java.util.Optional;

/**
 * Who decides the replica count. With the external actuator an HPA or KEDA writes {@code
 * spec.replicas} through {@code /scale}; with the builtin one the operator's own choice lives in
 * the child Deployment (never in the spec, which belongs to the user or the GitOps tool). Either
 * way the result stays within {@code [minReplicas, maxReplicas]}.
 */
public final class ReplicaPolicy {

  private ReplicaPolicy() {}

  /**
   * Replicas the Deployment should have.
   *
   * @param spec the accepted spec
   * @param current replicas of the existing Deployment, empty before it exists
   */
  public static int desiredReplicas(
      NemotronDiffusionDeploymentSpec spec, Optional<Integer> current) {
    ScalingSpec scaling = Objects.requireNonNullElseGet(spec.getScaling(), ScalingSpec::new);
    int min = Objects.requireNonNullElse(scaling.getMinReplicas(), 1);
    int max = Math.max(min, Objects.requireNonNullElse(scaling.getMaxReplicas(), min));
    int wanted =
        scaling.getActuator() == ScalingActuator.EXTERNAL
            ? Objects.requireNonNullElse(spec.getReplicas(), min)
            : current.orElse(min);
    return Math.clamp(wanted, min, max);
  }
}
