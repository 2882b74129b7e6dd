package dev.inference.nemotron.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

/** Where downloaded weights are kept between pod restarts and shared between replicas. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ModelCache {

  @Required
  @JsonPropertyDescription(
      "A PersistentVolumeClaim the operator creates and fills once (download Job); every replica"
          + " mounts it read-only.")
  private CachePvc pvc;

  public CachePvc getPvc() {
    return pvc;
  }

  public void setPvc(CachePvc pvc) {
    this.pvc = pvc;
  }
}
