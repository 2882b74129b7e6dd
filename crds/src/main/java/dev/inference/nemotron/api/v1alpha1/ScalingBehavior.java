package dev.inference.nemotron.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** Damping of the builtin autoscaler, so that the fleet neither flaps nor lags a surge. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ScalingBehavior {

  @Default("180")
  @Min(0)
  @Max(3600)
  @JsonPropertyDescription(
      "Window in seconds over which the highest recommendation wins before scaling down.")
  private Integer stabilizationSeconds = 180;

  @Default("2.0")
  @Min(value = 1.0, inclusive = false)
  @Max(100.0)
  @JsonPropertyDescription(
      "Demand over capacity ratio at which the autoscaler scales up at once, skipping the"
          + " stabilization window.")
  private Double panicThreshold = 2.0;

  @Default("300")
  @Min(0)
  @Max(86400)
  @JsonPropertyDescription("Seconds after any scaling action before the next scale-down.")
  private Integer scaleDownCooldownSeconds = 300;

  public Integer getStabilizationSeconds() {
    return stabilizationSeconds;
  }

  public void setStabilizationSeconds(Integer stabilizationSeconds) {
    this.stabilizationSeconds = stabilizationSeconds;
  }

  public Double getPanicThreshold() {
    return panicThreshold;
  }

  public void setPanicThreshold(Double panicThreshold) {
    this.panicThreshold = panicThreshold;
  }

  public Integer getScaleDownCooldownSeconds() {
    return scaleDownCooldownSeconds;
  }

  public void setScaleDownCooldownSeconds(Integer scaleDownCooldownSeconds) {
    this.scaleDownCooldownSeconds = scaleDownCooldownSeconds;
  }
}
