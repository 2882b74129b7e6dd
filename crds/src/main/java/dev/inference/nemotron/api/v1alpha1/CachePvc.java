package dev.inference.nemotron.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.Quantity;

/** The weight cache's PersistentVolumeClaim. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class CachePvc {

  @Size(max = 253)
  @JsonPropertyDescription(
      "StorageClass of the claim; it must allow ReadOnlyMany or ReadWriteMany when replicas run on"
          + " several nodes. Absent: the cluster's default StorageClass.")
  private String storageClassName;

  @Required
  @JsonPropertyDescription(
      "Capacity of the claim, e.g. 40Gi; at least the checkpoint's size on disk (bf16: about 7 GB"
          + " for 3B, 17 GB for 8B, 27 GB for 14B).")
  private Quantity size;

  @JsonPropertyDescription(
      "Access mode of the claim: ReadWriteMany (replicas on several nodes share it; the"
          + " StorageClass must offer it, e.g. NFS or a CSI file system) or ReadWriteOnce (every"
          + " class offers it, but all replicas must then run on one node). Absent: ReadWriteMany"
          + " when scaling.maxReplicas is above 1, ReadWriteOnce otherwise. A claim whose class"
          + " does not offer the mode stays Pending.")
  private CacheAccessMode accessMode;

  public String getStorageClassName() {
    return storageClassName;
  }

  public void setStorageClassName(String storageClassName) {
    this.storageClassName = storageClassName;
  }

  public Quantity getSize() {
    return size;
  }

  public void setSize(Quantity size) {
    this.size = size;
  }

  public CacheAccessMode getAccessMode() {
    return accessMode;
  }

  public void setAccessMode(CacheAccessMode accessMode) {
    this.accessMode = accessMode;
  }
}
