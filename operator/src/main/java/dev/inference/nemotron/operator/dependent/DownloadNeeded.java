package dev.inference.nemotron.operator.dependent;

import dev.inference.nemotron.api.v1alpha1.NemotronDiffusionDeployment;
import dev.inference.nemotron.operator.desired.DesiredFetchJob;
import dev.inference.nemotron.operator.desired.Fleet;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;

/**
 * Holds while the weight cache still needs the current download: a cache is configured and {@code
 * status.cachedDownload} does not name the current Job. Once it does, the finished Job is removed
 * and not created again, so its ttlSecondsAfterFinished never brings a download back.
 */
public class DownloadNeeded implements Condition<Object, NemotronDiffusionDeployment> {

  @Override
  public boolean isMet(
      DependentResource<Object, NemotronDiffusionDeployment> dependentResource,
      NemotronDiffusionDeployment primary,
      Context<NemotronDiffusionDeployment> context) {
    Fleet fleet = FleetContext.fleet(context);
    return fleet.hasWeightCache() && !isCached(primary, DesiredFetchJob.name(fleet));
  }

  static boolean isCached(NemotronDiffusionDeployment primary, String jobName) {
    return primary.getStatus() != null && jobName.equals(primary.getStatus().getCachedDownload());
  }
}
