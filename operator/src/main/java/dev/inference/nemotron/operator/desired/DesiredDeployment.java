package dev.inference.nemotron.operator.desired;

import dev.inference.nemotron.operator.spec.SpecDiff;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.util.Map;

/**
 * The fleet's Deployment: {@link Fleet#replicas()} inference pods, rolled one extra pod at a time
 * and never below the current capacity (maxUnavailable 0; a rollout therefore needs room for one
 * more replica's GPUs).
 */
public final class DesiredDeployment {

  /**
   * Deployment annotation holding the spec the objects were last built from, as JSON: the base of
   * the next {@link SpecDiff}.
   */
  public static final String APPLIED_SPEC = "nemotron.inference.dev/applied-spec";

  private DesiredDeployment() {}

  /** The Deployment, recording the spec it was built from. */
  public static Deployment of(Fleet fleet) {
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName(fleet.deploymentName())
        .withNamespace(fleet.namespace())
        .withLabels(fleet.labels(Fleet.INFERENCE))
        .withAnnotations(Map.of(APPLIED_SPEC, SpecDiff.json(fleet.spec())))
        .endMetadata()
        .withNewSpec()
        .withReplicas(fleet.replicas())
        .withNewSelector()
        .withMatchLabels(fleet.selectorLabels())
        .endSelector()
        .withNewStrategy()
        .withType("RollingUpdate")
        .withNewRollingUpdate()
        .withNewMaxUnavailable(0)
        .withNewMaxSurge(1)
        .endRollingUpdate()
        .endStrategy()
        .withTemplate(InferencePodTemplate.of(fleet))
        .endSpec()
        .build();
  }
}
