package dev.inference.nemotron.operator.spec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.inference.nemotron.api.v1alpha1.NemotronDiffusionDeploymentSpec;
import dev.inference.nemotron.api.v1alpha1.ScalingActuator;
import dev.inference.nemotron.api.v1alpha1.ScalingSpec;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The replica count the reconciler applies must not fight the builtin autoscaler: what the
 * Deployment runs now (the autoscaler's last scale, also after an operator restart) is kept within
 * the bounds; only the external actuator's spec.replicas is read from the spec.
 */
class ReplicaPolicyTest {

  private static NemotronDiffusionDeploymentSpec spec(
      ScalingActuator actuator, int min, int max, Integer replicas) {
    ScalingSpec scaling = new ScalingSpec();
    scaling.setActuator(actuator);
    scaling.setMinReplicas(min);
    scaling.setMaxReplicas(max);
    NemotronDiffusionDeploymentSpec spec = new NemotronDiffusionDeploymentSpec();
    spec.setScaling(scaling);
    spec.setReplicas(replicas);
    return spec;
  }

  @Test
  void builtinKeepsWhatTheDeploymentRunsWithinTheBounds() {
    var builtin = spec(ScalingActuator.BUILTIN, 1, 4, 1);
    assertThat(ReplicaPolicy.desiredReplicas(builtin, Optional.of(3))).isEqualTo(3);
    assertThat(ReplicaPolicy.desiredReplicas(builtin, Optional.of(7))).isEqualTo(4);
    assertThat(ReplicaPolicy.desiredReplicas(builtin, Optional.empty())).isEqualTo(1);
  }

  @Test
  void externalFollowsSpecReplicasAndMayBeZero() {
    var external = spec(ScalingActuator.EXTERNAL, 0, 4, 0);
    assertThat(ReplicaPolicy.desiredReplicas(external, Optional.of(3))).isZero();
    external.setReplicas(2);
    assertThat(ReplicaPolicy.desiredReplicas(external, Optional.of(3))).isEqualTo(2);
  }
}
