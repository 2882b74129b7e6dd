package dev.inference.nemotron.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.PrinterColumn;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

/** The accelerator of each replica. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value =
        "self.class == 'CPU' ? (!has(self.count) || self.count == 0)"
            + " : (has(self.count) && self.count >= 1)",
    message = "gpu.count must be at least 1 for a GPU class, and 0 or absent for class CPU")
@ValidationRule(
    value = "!has(self.count) || self.count <= 1",
    message =
        "gpu.count above 1 is not supported: a replica runs on one GPU until tensor parallelism"
            + " exists; scale out with spec.replicas instead")
public class GpuSpec {

  @Required
  @PrinterColumn(name = "GPU")
  @JsonProperty("class")
  @JsonPropertyDescription(
      "GPU class the replicas are scheduled on, or CPU to run on the CPU backend without a GPU."
          + " Nodes are chosen as the operator's gpu-placement setting says for the class: by"
          + " default a required affinity on the GPU Feature Discovery label"
          + " nvidia.com/gpu.product; with resource-only (clusters without GPU Feature"
          + " Discovery) the nvidia.com/gpu request alone.")
  private GpuClass gpuClass;

  // The schema maximum stays a sanity bound (8 GPUs per node): counts 2..8 reach the class's CEL
  // rule, whose message says what to do instead (a maximum of 1 would pre-empt it with a bare
  // "above the maximum").
  @Min(0)
  @Max(8)
  @JsonPropertyDescription(
      "GPUs per replica (the nvidia.com/gpu resource limit): 1 for a GPU class, 0 or absent for"
          + " CPU. A replica runs on one GPU until tensor parallelism exists; for more throughput"
          + " scale out with spec.replicas.")
  private Integer count;

  public GpuClass getGpuClass() {
    return gpuClass;
  }

  public void setGpuClass(GpuClass gpuClass) {
    this.gpuClass = gpuClass;
  }

  public Integer getCount() {
    return count;
  }

  public void setCount(Integer count) {
    this.count = count;
  }
}
