package dev.inference.nemotron.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * The mode mix in force under the adaptive mode policy: what the runtime configuration carries
 * instead of the spec's {@code modes.mix}, and why.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class EffectiveModeMix {

  @JsonPropertyDescription("Percentage of requests that name no mode decoded autoregressively.")
  private Integer autoregressive;

  @JsonPropertyDescription("Percentage of requests that name no mode decoded by block diffusion.")
  private Integer diffusion;

  @JsonPropertyDescription("Percentage of requests that name no mode decoded by self-speculation.")
  private Integer selfSpeculation;

  @JsonPropertyDescription("When the autoscaler last shifted the mix (RFC 3339).")
  private String time;

  @JsonPropertyDescription("Why the mix is what it is, with the measurements behind it.")
  private String reason;

  public Integer getAutoregressive() {
    return autoregressive;
  }

  public void setAutoregressive(Integer autoregressive) {
    this.autoregressive = autoregressive;
  }

  public Integer getDiffusion() {
    return diffusion;
  }

  public void setDiffusion(Integer diffusion) {
    this.diffusion = diffusion;
  }

  public Integer getSelfSpeculation() {
    return selfSpeculation;
  }

  public void setSelfSpeculation(Integer selfSpeculation) {
    this.selfSpeculation = selfSpeculation;
  }

  public String getTime() {
    return time;
  }

  public void setTime(String time) {
    this.time = time;
  }

  public String getReason() {
    return reason;
  }

  public void setReason(String reason) {
    this.reason = reason;
  }
}
