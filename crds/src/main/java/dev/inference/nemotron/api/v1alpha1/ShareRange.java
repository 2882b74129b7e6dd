package dev.inference.nemotron.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.ValidationRule;

/** The percentages of requests one decoding mode may receive under the adaptive mode policy. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "self.min <= self.max",
    messageExpression =
        "'scaling.modeBounds: min (' + string(self.min) + ') must not exceed max ('"
            + " + string(self.max) + ')'",
    message = "scaling.modeBounds: a mode's min must not exceed its max")
public class ShareRange {

  @Default("0")
  @Min(0)
  @Max(100)
  @JsonPropertyDescription(
      "Least percentage the mode keeps. Above 0 the mode keeps serving some requests, so its"
          + " tokens per forward stays measured and it can win weight back.")
  private Integer min = 0;

  @Default("100")
  @Min(0)
  @Max(100)
  @JsonPropertyDescription("Most percentage the mode may receive.")
  private Integer max = 100;

  /** The full range, 0 to 100. */
  public ShareRange() {}

  /** A range from {@code min} to {@code max} percent. */
  public ShareRange(int min, int max) {
    this.min = min;
    this.max = max;
  }

  public Integer getMin() {
    return min;
  }

  public void setMin(Integer min) {
    this.min = min;
  }

  public Integer getMax() {
    return max;
  }

  public void setMax(Integer max) {
    this.max = max;
  }
}
