package dev.inference.nemotron.operator.desired;

import dev.inference.nemotron.api.v1alpha1.ModelSource;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.util.Objects;

/**
 * The Job that downloads the model source into the weight cache, once per source, revision and
 * credentials: its name carries a key of all three ({@link #key}). A new source gets a new Job and
 * the cached files of the old one are never overwritten under running pods; a new secretRef (the
 * usual fix of a failed download) gets a new Job too, since a failed Job is never run again. The
 * name is {@code <name>-fetch-<10 hex>}: 63 characters at most for the 46 characters the CRD allows
 * a resource's name.
 */
public final class DesiredFetchJob {

  private DesiredFetchJob() {}

  /** The Job's name for the fleet's current source. */
  public static String name(Fleet fleet) {
    return fleet.name() + "-fetch-" + key(fleet.spec().getModel().getSource());
  }

  /** 10 hex digits of SHA-256 over the source URI, revision and secretRef. */
  static String key(ModelSource source) {
    return RuntimeLayout.hash(
            source.getUri()
                + "@"
                + Objects.requireNonNullElse(source.getRevision(), "")
                + "#"
                + Objects.requireNonNullElse(source.getSecretRef(), ""))
        .substring(0, 10);
  }

  /** The operator's download resources: a memory limit too, since it runs beside the fleet. */
  static ResourceRequirements resources(Fleet fleet) {
    Quantity memory = new Quantity(fleet.settings().fetchMemory());
    return new ResourceRequirementsBuilder()
        .addToRequests("cpu", new Quantity(fleet.settings().fetchCpu()))
        .addToRequests("memory", memory)
        .addToLimits("memory", memory)
        .build();
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
        .withActiveDeadlineSeconds(fleet.settings().fetchDeadline().toSeconds())
        // a succeeded Job is not created again once gone: status.cachedDownload remembers it
        .withTtlSecondsAfterFinished(Math.toIntExact(fleet.settings().fetchRetention().toSeconds()))
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
        .withContainers(
            new ContainerBuilder(InferencePodTemplate.fetchContainer(fleet, "models"))
                .withResources(resources(fleet))
                .build())
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
