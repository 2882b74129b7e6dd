package dev.inference.nemotron.operator.dependent;

import dev.inference.nemotron.api.v1alpha1.NemotronDiffusionDeployment;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;

/**
 * Holds when the spec asks for a weight cache ({@code spec.model.cache.pvc}); the cache claim and
 * the download Job exist only then (and are removed when the cache is taken out of the spec).
 */
public class WeightCacheConfigured implements Condition<Object, NemotronDiffusionDeployment> {

  @Override
  public boolean isMet(
      DependentResource<Object, NemotronDiffusionDeployment> dependentResource,
      NemotronDiffusionDeployment primary,
      Context<NemotronDiffusionDeployment> context) {
    return FleetContext.fleet(context).hasWeightCache();
  }
}
