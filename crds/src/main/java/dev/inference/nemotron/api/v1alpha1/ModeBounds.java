package dev.inference.nemotron.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * Per decoding mode, the range of percentages the adaptive mode policy may give it. The spec's
 * {@code modes.mix} is the starting point (moved into these ranges if it lies outside); the policy
 * only moves weight inside them. A mode left out may take 0 to 100.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value =
        "self.autoregressive.min + self.diffusion.min + self.selfSpeculation.min <= 100"
            + " && self.autoregressive.max + self.diffusion.max + self.selfSpeculation.max >= 100",
    messageExpression =
        "'scaling.modeBounds admit no mix summing to 100: the mins sum to '"
            + " + string(self.autoregressive.min + self.diffusion.min + self.selfSpeculation.min)"
            + " + ', the maxes to '"
            + " + string(self.autoregressive.max + self.diffusion.max + self.selfSpeculation.max)",
    message =
        "scaling.modeBounds admit no mix summing to 100: the mins must sum to at most 100 and the"
            + " maxes to at least 100")
public class ModeBounds {

  @Default("{}")
  @JsonPropertyDescription("Range of the autoregressive share, in percent.")
  private ShareRange autoregressive = new ShareRange();

  @Default("{}")
  @JsonPropertyDescription("Range of the block diffusion share, in percent.")
  private ShareRange diffusion = new ShareRange();

  @Default("{}")
  @JsonPropertyDescription("Range of the self-speculation share, in percent.")
  private ShareRange selfSpeculation = new ShareRange();

  public ShareRange getAutoregressive() {
    return autoregressive;
  }

  public void setAutoregressive(ShareRange autoregressive) {
    this.autoregressive = autoregressive;
  }

  public ShareRange getDiffusion() {
    return diffusion;
  }

  public void setDiffusion(ShareRange diffusion) {
    this.diffusion = diffusion;
  }

  public ShareRange getSelfSpeculation() {
    return selfSpeculation;
  }

  public void setSelfSpeculation(ShareRange selfSpeculation) {
    this.selfSpeculation = selfSpeculation;
  }
}
