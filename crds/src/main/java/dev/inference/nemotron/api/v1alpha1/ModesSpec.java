package dev.inference.nemotron.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;

/** The decoding modes a replica offers and how requests that name none are spread over them. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ModesSpec {

  @Default("{\"selfSpeculation\": 100}")
  @JsonPropertyDescription(
      "Percentage of requests that do not name a mode served by each mode; the shares sum to"
          + " 100. Absent: every such request uses self-speculation.")
  private ModeMix mix = new ModeMix(0, 0, 100);

  @Default("{}")
  @JsonPropertyDescription("Settings of block diffusion decoding.")
  private DiffusionSpec diffusion = new DiffusionSpec();

  @Default("{}")
  @JsonPropertyDescription(
      "Settings of self-speculative decoding (diffusion drafts, autoregressive verifies).")
  private SelfSpeculationSpec selfSpeculation = new SelfSpeculationSpec();

  public ModeMix getMix() {
    return mix;
  }

  public void setMix(ModeMix mix) {
    this.mix = mix;
  }

  public DiffusionSpec getDiffusion() {
    return diffusion;
  }

  public void setDiffusion(DiffusionSpec diffusion) {
    this.diffusion = diffusion;
  }

  public SelfSpeculationSpec getSelfSpeculation() {
    return selfSpeculation;
  }

  public void setSelfSpeculation(SelfSpeculationSpec selfSpeculation) {
    this.selfSpeculation = selfSpeculation;
  }
}
