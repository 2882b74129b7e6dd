package dev.inference.nemotron.operator.desired;

import dev.inference.nemotron.api.v1alpha1.CacheAccessMode;
import dev.inference.nemotron.api.v1alpha1.CachePvc;
import dev.inference.nemotron.api.v1alpha1.ScalingSpec;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The weight cache: one claim the download Job writes once and every replica mounts read-only. Its
 * access mode is {@code spec.model.cache.pvc.accessMode}, or when absent ReadWriteMany for a fleet
 * that may grow past one replica (replicas on several nodes share it; the StorageClass must offer
 * it, e.g. NFS or a CSI file system) and ReadWriteOnce for a single replica, which every class
 * offers: a claim asking for a mode its class lacks stays Pending forever.
 */
public final class DesiredWeightCache {

  private DesiredWeightCache() {}

  /** The claim to create. */
  public static PersistentVolumeClaim of(Fleet fleet) {
    CachePvc pvc = fleet.spec().getModel().getCache().getPvc();
    return claim(
        fleet, accessMode(fleet).kubernetesName(), pvc.getStorageClassName(), pvc.getSize());
  }

  /**
   * The claim given the one that exists: its storage class and access mode are kept (the API server
   * refuses to change them), and its size only grows, to the spec's when that is larger (a claim
   * cannot shrink; growing needs a StorageClass that allows volume expansion).
   */
  public static PersistentVolumeClaim of(Fleet fleet, Optional<PersistentVolumeClaim> existing) {
    if (existing.isEmpty() || existing.get().getSpec() == null) {
      return of(fleet);
    }
    PersistentVolumeClaimSpec current = existing.get().getSpec();
    Quantity wanted = fleet.spec().getModel().getCache().getPvc().getSize();
    Quantity requested =
        current.getResources() == null || current.getResources().getRequests() == null
            ? null
            : current.getResources().getRequests().get("storage");
    Quantity size =
        requested != null
                && requested.getNumericalAmount().compareTo(wanted.getNumericalAmount()) >= 0
            ? requested
            : wanted;
    String accessMode =
        current.getAccessModes() == null || current.getAccessModes().isEmpty()
            ? accessMode(fleet).kubernetesName()
            : current.getAccessModes().getFirst();
    return claim(fleet, accessMode, current.getStorageClassName(), size);
  }

  private static PersistentVolumeClaim claim(
      Fleet fleet, String accessMode, String storageClassName, Quantity size) {
    return new PersistentVolumeClaimBuilder()
        .withNewMetadata()
        .withName(fleet.weightCacheName())
        .withNamespace(fleet.namespace())
        .withLabels(fleet.labels("weight-cache"))
        .endMetadata()
        .withNewSpec()
        .withAccessModes(accessMode)
        .withStorageClassName(storageClassName)
        .withNewResources()
        .withRequests(Map.of("storage", size))
        .endResources()
        .endSpec()
        .build();
  }

  /** The claim's access mode: the spec's, else derived from how far the fleet may scale. */
  public static CacheAccessMode accessMode(Fleet fleet) {
    CachePvc pvc = fleet.spec().getModel().getCache().getPvc();
    if (pvc.getAccessMode() != null) {
      return pvc.getAccessMode();
    }
    ScalingSpec scaling =
        Objects.requireNonNullElseGet(fleet.spec().getScaling(), ScalingSpec::new);
    return scaling.getMaxReplicas() != null && scaling.getMaxReplicas() > 1
        ? CacheAccessMode.READ_WRITE_MANY
        : CacheAccessMode.READ_WRITE_ONCE;
  }
}
