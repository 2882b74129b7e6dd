package dev.inference.nemotron.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** Block diffusion: a block of masks is filled in over several bidirectional forwards. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DiffusionSpec {

  @Default("32")
  @Min(2)
  @Max(128)
  @JsonPropertyDescription(
      "Tokens per block (the model is trained with 32; evaluation suites also use 8).")
  private Integer blockSize = 32;

  @Default("0.9")
  @Min(value = 0.0, inclusive = false)
  @Max(1.0)
  @JsonPropertyDescription(
      "Confidence at or above which a masked slot is revealed in the same step as the most"
          + " confident one; lower reveals more per forward at some cost in quality.")
  private Double threshold = 0.9;

  public Integer getBlockSize() {
    return blockSize;
  }

  public void setBlockSize(Integer blockSize) {
    this.blockSize = blockSize;
  }

  public Double getThreshold() {
    return threshold;
  }

  public void setThreshold(Double threshold) {
    this.threshold = threshold;
  }
}
