package dev.inference.nemotron.operator.desired;

import dev.inference.nemotron.api.v1alpha1.CachePvc;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import java.util.Map;

/**
 * The weight cache: one claim the download Job writes once and every replica mounts read-only.
 * ReadWriteMany so replicas on several nodes share it (the StorageClass must offer it, e.g. NFS or
 * a CSI file system); a ReadWriteOnce class confines the fleet to one node.
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
        .withAccessModes("ReadWriteMany")
        .withStorageClassName(pvc.getStorageClassName())
        .withNewResources()
        .withRequests(Map.of("storage", pvc.getSize()))
        .endResources()
        .endSpec()
        .build();
  }
}
