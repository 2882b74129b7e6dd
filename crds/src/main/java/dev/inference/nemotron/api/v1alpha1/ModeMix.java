package dev.inference.nemotron.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.ValidationRule;

/** Percentages of requests per decoding mode; a mode left out gets 0. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "self.autoregressive + self.diffusion + self.selfSpeculation == 100",
    messageExpression =
        "'modes.mix shares must sum to 100, got ' + string(self.autoregressive + self.diffusion"
            + " + self.selfSpeculation)",
    message = "modes.mix shares (autoregressive + diffusion + selfSpeculation) must sum to 100")
public class ModeMix {

  @Default("0")
  @Min(0)
  @Max(100)
  @JsonPropertyDescription(
      "Percentage of requests decoded autoregressively (one token per forward).")
  private Integer autoregressive = 0;

  @Default("0")
  @Min(0)
  @Max(100)
  @JsonPropertyDescription("Percentage of requests decoded by block diffusion.")
  private Integer diffusion = 0;

  @Default("0")
  @Min(0)
  @Max(100)
  @JsonPropertyDescription("Percentage of requests decoded by self-speculation.")
  private Integer selfSpeculation = 0;

  /** A mix with every share 0 (not valid until the shares are set). */
  public ModeMix() {}

  /** A mix with the given percentages. */
  public ModeMix(int autoregressive, int diffusion, int selfSpeculation) {
    this.autoregressive = autoregressive;
    this.diffusion = diffusion;
    this.selfSpeculation = selfSpeculation;
  }

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
}
