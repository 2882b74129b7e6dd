package dev.inference.nemotron.operator.dependent;

import dev.inference.nemotron.api.v1alpha1.NemotronDiffusionDeployment;
import dev.inference.nemotron.operator.desired.DesiredFetchJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.GarbageCollected;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResource;

/**
 * The download Job. Created, never updated: a Job's pod template is immutable, and a new source,
 * revision or secretRef gets a Job of its own name ({@link DesiredFetchJob#name}). A failed Job
 * stays (its logs say why) until its ttlSecondsAfterFinished, and is not run again; a deleted one
 * is created anew, which retries. A succeeded one is removed and not created again ({@link
 * DownloadNeeded}).
 */
@KubernetesDependent(informer = @Informer(labelSelector = ChildLabels.MANAGED))
public class FetchJobDependent extends KubernetesDependentResource<Job, NemotronDiffusionDeployment>
    implements Creator<Job, NemotronDiffusionDeployment>,
        GarbageCollected<NemotronDiffusionDeployment> {

  @Override
  protected Job desired(
      NemotronDiffusionDeployment primary, Context<NemotronDiffusionDeployment> context) {
    return DesiredFetchJob.of(FleetContext.fleet(context));
  }
}
