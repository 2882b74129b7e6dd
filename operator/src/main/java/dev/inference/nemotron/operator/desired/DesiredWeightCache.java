package dev.inference.nemotron.operator.desired;

import dev.inference.nemotron.api.v1alpha1.CacheAccessMode;
import dev.inference.nemotron.api.v1alpha1.CachePvc;
import dev.inference.nemotron.api.v1alpha1.ScalingSpec;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import java.util.Map;
import java.util.Objects;

/**
 * The weight cache: one claim the download Job writes once and every replica mounts read-only. Its
 * access mode is {@code spec.model.cache.pvc.accessMode}, or when absent ReadWriteMany for a fleet
 * that may grow past one replica (replicas on several nodes share it; the StorageClass must offer
 * it, e.g. NFS or a CSI file system) and ReadWriteOnce for a single replica, which every class
 * offers: a claim asking for a mode its class lacks stays Pending forever.
 */
public final class DesiredWeightCache {

  private DesiredWeightCache() {}

  public static PersistentVolumeClaim of(Fleet fleet) {
    CachePvc pvc = fleet.spec().getModel().getCache().getPvc();
    return new PersistentVolumeClaimBuilder()
        .withNewMetadata()
        .withName(fleet.weightCacheName())
        .withNamespace(fleet.namespace())
        .withLabels(fleet.labels("weight-cache"))
        .endMetadata()
        .withNewSpec()
        .withAccessModes(accessMode(fleet).kubernetesName())
        .withStorageClassName(pvc.getStorageClassName())
        .withNewResources()
        .withRequests(Map.of("storage", pvc.getSize()))
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
