package dev.inference.nemotron.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Tokens per forward pass per decoding mode; a mode that served no request is absent. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ModeTokensPerForward {

  @JsonPropertyDescription("Autoregressive decoding: 1.0 by construction.")
  private Double autoregressive;

  @JsonPropertyDescription("Block diffusion decoding.")
  private Double diffusion;

  @JsonPropertyDescription(
      "Self-speculative decoding (accepted draft tokens plus the bonus token).")
  private Double selfSpeculation;

  public Double getAutoregressive() {
    return autoregressive;
  }

  public void setAutoregressive(Double autoregressive) {
    this.autoregressive = autoregressive;
  }

  public Double getDiffusion() {
    return diffusion;
  }

  public void setDiffusion(Double diffusion) {
    this.diffusion = diffusion;
  }

  public Double getSelfSpeculation() {
    return selfSpeculation;
  }

  public void setSelfSpeculation(Double selfSpeculation) {
    this.selfSpeculation = selfSpeculation;
  }
}
