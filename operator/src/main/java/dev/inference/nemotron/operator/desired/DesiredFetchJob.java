package dev.inference.nemotron.operator.desired;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;

/**
 * The Job that downloads the model source into the weight cache, once per source and revision: its
 * name carries {@link RuntimeLayout#sourceKey}, so a new source gets a new Job and the cached files
 * of the old one are never overwritten under running pods.
 */
public final class DesiredFetchJob {

  private DesiredFetchJob() {}

  /** The Job's name for the fleet's current source. */
  public static String name(Fleet fleet) {
    return fleet.name() + "-fetch-" + RuntimeLayout.sourceKey(fleet.spec().getModel().getSource());
  }

  public static Job of(Fleet fleet) {
    return new JobBuilder()
        .withNewMetadata()
        .withName(name(fleet))
        .withNamespace(fleet.namespace())
        .withLabels(fleet.labels(Fleet.WEIGHT_FETCH))
        .endMetadata()
        .withNewSpec()
        .withBackoffLimit(4)
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(fleet.labels(Fleet.WEIGHT_FETCH))
        .endMetadata()
        .withNewSpec()
        .withRestartPolicy("OnFailure")
        .withServiceAccountName(fleet.serviceAccountName())
        .withAutomountServiceAccountToken(false)
        .withNewSecurityContext()
        .withRunAsNonRoot(true)
        .withRunAsUser(fleet.settings().runAsUser())
        .withRunAsGroup(fleet.settings().runAsUser())
        .withFsGroup(fleet.settings().runAsUser())
        .withNewSeccompProfile()
        .withType("RuntimeDefault")
        .endSeccompProfile()
        .endSecurityContext()
        .withContainers(InferencePodTemplate.fetchContainer(fleet, "models"))
        .addNewVolume()
        .withName("models")
        .withNewPersistentVolumeClaim()
        .withClaimName(fleet.weightCacheName())
        .endPersistentVolumeClaim()
        .endVolume()
        .addAllToVolumes(InferencePodTemplate.fetchVolumes(fleet))
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }
}
