package dev.inference.nemotron.operator.dependent;

import dev.inference.nemotron.api.v1alpha1.NemotronDiffusionDeployment;
import dev.inference.nemotron.operator.desired.DesiredWeightCache;
import dev.inference.nemotron.operator.desired.Fleet;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.GarbageCollected;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.dependent.Updater;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResource;
import java.util.Optional;

/**
 * The weight cache claim. Created, then only grown: a claim's storage class and access mode are
 * immutable, so the existing ones are kept ({@link DesiredWeightCache#of(Fleet, Optional)}), and a
 * larger spec size is requested (the StorageClass must allow volume expansion).
 */
@KubernetesDependent(informer = @Informer(labelSelector = ChildLabels.MANAGED))
public class WeightCacheDependent
    extends KubernetesDependentResource<PersistentVolumeClaim, NemotronDiffusionDeployment>
    implements Creator<PersistentVolumeClaim, NemotronDiffusionDeployment>,
        Updater<PersistentVolumeClaim, NemotronDiffusionDeployment>,
        GarbageCollected<NemotronDiffusionDeployment> {

  @Override
  protected PersistentVolumeClaim desired(
      NemotronDiffusionDeployment primary, Context<NemotronDiffusionDeployment> context) {
    return DesiredWeightCache.of(
        FleetContext.fleet(context), context.getSecondaryResource(PersistentVolumeClaim.class));
  }
}
