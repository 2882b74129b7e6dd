package dev.inference.nemotron.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * Self-speculation: the model drafts a block by diffusion and verifies it autoregressively.
 *
 * <p>The quadratic variant's forward holds blockSize*(blockSize+1) tokens; the bound of 32 (1056
 * tokens) keeps one decoding round about as heavy as a 1K-token prefill chunk, whereas 64 would
 * make every round a 4160-token forward with a per-row attention mask and ruin inter-token latency.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "self.variant != 'quadratic' || self.blockSize <= 32",
    message =
        "quadratic self-speculation runs blockSize*(blockSize+1) tokens per forward: blockSize"
            + " must be at most 32 (1056 tokens); use the linear variant for larger blocks")
public class SelfSpeculationSpec {

  @Default("32")
  @Min(2)
  @Max(128)
  @JsonPropertyDescription(
      "Tokens drafted per round (the first is already known, so up to blockSize-1 are"
          + " speculative); at most 32 for the quadratic variant.")
  private Integer blockSize = 32;

  @Default("linear")
  @JsonPropertyDescription(
      "linear: two forwards per round (draft, then verify); quadratic: one forward of"
          + " blockSize*(blockSize+1) tokens that verifies and drafts at once.")
  private SelfSpeculationVariant variant = SelfSpeculationVariant.LINEAR;

  public Integer getBlockSize() {
    return blockSize;
  }

  public void setBlockSize(Integer blockSize) {
    this.blockSize = blockSize;
  }

  public SelfSpeculationVariant getVariant() {
    return variant;
  }

  public void setVariant(SelfSpeculationVariant variant) {
    this.variant = variant;
  }
}
