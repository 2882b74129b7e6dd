package dev.inference.nemotron.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Memory a replica needs against what its GPUs (or the CPU node) offer. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Sizing {

  @JsonPropertyDescription("Bytes of weights at the chosen quantization.")
  private Long weightBytes;

  @JsonPropertyDescription(
      "Bytes of KV cache for maxConcurrentSequences sequences of maxContextLength tokens.")
  private Long kvCacheBytes;

  @JsonPropertyDescription(
      "Accelerator memory available to a replica (GPU memory times gpu.count).")
  private Long gpuMemoryBytes;

  @JsonPropertyDescription("Whether weights plus KV cache plus overhead fit in gpuMemoryBytes.")
  private Boolean fits;

  @JsonPropertyDescription(
      "The computation in words and, when it does not fit, what to change (quantization, GPU class,"
          + " count, context length or concurrency).")
  private String explanation;

  public Long getWeightBytes() {
    return weightBytes;
  }

  public void setWeightBytes(Long weightBytes) {
    this.weightBytes = weightBytes;
  }

  public Long getKvCacheBytes() {
    return kvCacheBytes;
  }

  public void setKvCacheBytes(Long kvCacheBytes) {
    this.kvCacheBytes = kvCacheBytes;
  }

  public Long getGpuMemoryBytes() {
    return gpuMemoryBytes;
  }

  public void setGpuMemoryBytes(Long gpuMemoryBytes) {
    this.gpuMemoryBytes = gpuMemoryBytes;
  }

  public Boolean getFits() {
    return fits;
  }

  public void setFits(Boolean fits) {
    this.fits = fits;
  }

  public String getExplanation() {
    return explanation;
  }

  public void setExplanation(String explanation) {
    this.explanation = explanation;
  }
}
