package dev.inference.nemotron.operator.dependent;

import dev.inference.nemotron.api.v1alpha1.NemotronDiffusionDeployment;
import dev.inference.nemotron.operator.desired.DesiredWeightCache;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.GarbageCollected;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResource;

/**
 * The weight cache claim. Created, never updated: a claim's spec is immutable apart from growing
 * its size, which is left to the storage administrator.
 */
@KubernetesDependent(informer = @Informer(labelSelector = ChildLabels.MANAGED))
public class WeightCacheDependent
    extends KubernetesDependentResource<PersistentVolumeClaim, NemotronDiffusionDeployment>
    implements Creator<PersistentVolumeClaim, NemotronDiffusionDeployment>,
        GarbageCollected<NemotronDiffusionDeployment> {

  @Override
  protected PersistentVolumeClaim desired(
      NemotronDiffusionDeployment primary, Context<NemotronDiffusionDeployment> context) {
    return DesiredWeightCache.of(FleetContext.fleet(context));
  }
}
