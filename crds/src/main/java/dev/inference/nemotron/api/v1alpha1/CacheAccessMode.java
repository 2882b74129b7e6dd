package dev.inference.nemotron.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How the weight cache claim may be mounted; the StorageClass must offer the mode. */
public enum CacheAccessMode {
  /** Mounted by pods of one node only: every replica is then confined to that node. */
  @JsonProperty("ReadWriteOnce")
  READ_WRITE_ONCE("ReadWriteOnce"),
  /** Mounted by pods on several nodes (NFS, a CSI file system). */
  @JsonProperty("ReadWriteMany")
  READ_WRITE_MANY("ReadWriteMany");

  private final String kubernetesName;

  CacheAccessMode(String kubernetesName) {
    this.kubernetesName = kubernetesName;
  }

  /** The access mode as a PersistentVolumeClaim spells it. */
  public String kubernetesName() {
    return kubernetesName;
  }
}
