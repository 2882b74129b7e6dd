package dev.inference.nemotron.operator.desired;

import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;

/**
 * At most one replica voluntarily evicted at a time (node drains, cluster upgrades). A budget of
 * maxUnavailable 1 rather than minAvailable keeps a single-replica fleet drainable: blocking drains
 * forever is worse for a platform team than a short gap they chose with minReplicas 1.
 */
public final class DesiredDisruptionBudget {

  private DesiredDisruptionBudget() {}

  public static PodDisruptionBudget of(Fleet fleet) {
    return new PodDisruptionBudgetBuilder()
        .withNewMetadata()
        .withName(fleet.name())
        .withNamespace(fleet.namespace())
        .withLabels(fleet.labels(Fleet.INFERENCE))
        .endMetadata()
        .withNewSpec()
        .withNewMaxUnavailable(1)
        .withNewSelector()
        .withMatchLabels(fleet.selectorLabels())
        .endSelector()
        .endSpec()
        .build();
  }
}
