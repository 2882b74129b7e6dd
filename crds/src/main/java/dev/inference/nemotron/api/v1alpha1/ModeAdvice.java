package dev.inference.nemotron.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * Whether one decoding mode currently beats autoregressive decoding on this fleet: its measured
 * tokens per forward against the measured cost of its wider forwards.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ModeAdvice {

  @JsonPropertyDescription("The decoding mode: diffusion or selfSpeculation.")
  private String mode;

  @JsonPropertyDescription("Tokens per forward pass the mode achieved over the last minute.")
  private Double tokensPerForward;

  @JsonPropertyDescription(
      "Cost of one of the mode's sequence forwards relative to an autoregressive one (1 row), from"
          + " the measured time of batched forwards against their rows.")
  private Double relativeForwardCost;

  @JsonPropertyDescription(
      "Tokens per second per replica relative to autoregressive decoding: tokensPerForward over"
          + " relativeForwardCost; above 1 the mode pays for its wider forwards.")
  private Double speedupOverAutoregressive;

  @JsonPropertyDescription(
      "True when the mode gives more tokens per second per replica than autoregressive decoding;"
          + " absent while the cost of a wider forward is not measured yet.")
  private Boolean beatsAutoregressive;

  @JsonPropertyDescription("The numbers behind the advice, in words.")
  private String reason;

  public String getMode() {
    return mode;
  }

  public void setMode(String mode) {
    this.mode = mode;
  }

  public Double getTokensPerForward() {
    return tokensPerForward;
  }

  public void setTokensPerForward(Double tokensPerForward) {
    this.tokensPerForward = tokensPerForward;
  }

  public Double getRelativeForwardCost() {
    return relativeForwardCost;
  }

  public void setRelativeForwardCost(Double relativeForwardCost) {
    this.relativeForwardCost = relativeForwardCost;
  }

  public Double getSpeedupOverAutoregressive() {
    return speedupOverAutoregressive;
  }

  public void setSpeedupOverAutoregressive(Double speedupOverAutoregressive) {
    this.speedupOverAutoregressive = speedupOverAutoregressive;
  }

  public Boolean getBeatsAutoregressive() {
    return beatsAutoregressive;
  }

  public void setBeatsAutoregressive(Boolean beatsAutoregressive) {
    this.beatsAutoregressive = beatsAutoregressive;
  }

  public String getReason() {
    return reason;
  }

  public void setReason(String reason) {
    this.reason = reason;
  }
}
