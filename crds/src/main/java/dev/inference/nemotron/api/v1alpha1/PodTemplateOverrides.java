package dev.inference.nemotron.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.List;
import java.util.Map;

/**
 * Pod settings merged into the inference pods. The operator owns the rest of the pod (GPU
 * resources, security context, probes, arguments) so that every replica stays a valid runtime.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PodTemplateOverrides {

  @Size(min = 1, max = 512)
  @JsonPropertyDescription(
      "Container image of the inference runtime for this resource's pods (and its weight download),"
          + " e.g. to canary a runtime version on one fleet. Absent: the operator's image setting."
          + " A change rolls the pods.")
  private String image;

  @JsonPropertyDescription(
      "Node labels the pods must match, in addition to the node placement the operator derives"
          + " from gpu.class.")
  private Map<String, String> nodeSelector;

  @JsonPropertyDescription("Tolerations added to the pods, e.g. for tainted GPU node pools.")
  private List<Toleration> tolerations;

  @Size(max = 253)
  @JsonPropertyDescription("PriorityClass of the pods.")
  private String priorityClassName;

  @JsonPropertyDescription(
      "CPU and memory requests and limits of the inference container; the nvidia.com/gpu limit"
          + " comes from gpu.count and is not taken from here.")
  private ResourceRequirements resources;

  @JsonPropertyDescription("Annotations added to the pods.")
  private Map<String, String> annotations;

  @JsonPropertyDescription(
      "Labels added to the pods; the operator's app.kubernetes.io labels take precedence.")
  private Map<String, String> labels;

  public String getImage() {
    return image;
  }

  public void setImage(String image) {
    this.image = image;
  }

  public Map<String, String> getNodeSelector() {
    return nodeSelector;
  }

  public void setNodeSelector(Map<String, String> nodeSelector) {
    this.nodeSelector = nodeSelector;
  }

  public List<Toleration> getTolerations() {
    return tolerations;
  }

  public void setTolerations(List<Toleration> tolerations) {
    this.tolerations = tolerations;
  }

  public String getPriorityClassName() {
    return priorityClassName;
  }

  public void setPriorityClassName(String priorityClassName) {
    this.priorityClassName = priorityClassName;
  }

  public ResourceRequirements getResources() {
    return resources;
  }

  public void setResources(ResourceRequirements resources) {
    this.resources = resources;
  }

  public Map<String, String> getAnnotations() {
    return annotations;
  }

  public void setAnnotations(Map<String, String> annotations) {
    this.annotations = annotations;
  }

  public Map<String, String> getLabels() {
    return labels;
  }

  public void setLabels(Map<String, String> labels) {
    this.labels = labels;
  }
}
