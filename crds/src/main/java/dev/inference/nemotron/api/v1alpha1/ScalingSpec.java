package dev.inference.nemotron.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.ValidationRule;

/** Replica bounds, autoscaling targets and who acts on them. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "self.minReplicas <= self.maxReplicas",
    messageExpression =
        "'scaling.minReplicas (' + string(self.minReplicas) + ') must not exceed"
            + " scaling.maxReplicas (' + string(self.maxReplicas) + ')'",
    message = "scaling.minReplicas must not exceed scaling.maxReplicas")
@ValidationRule(
    value = "self.minReplicas >= 1 || self.actuator == 'external'",
    message =
        "scaling.minReplicas 0 needs scaling.actuator external: the builtin autoscaler decides on"
            + " metrics that only running replicas report, so it never scales to zero")
public class ScalingSpec {

  @Default("1")
  @Min(0)
  @Max(1000)
  @JsonPropertyDescription(
      "Fewest replicas. At least 1 with the builtin actuator, because the autoscaler decides on"
          + " metrics that only running replicas report; 0 is allowed with the external actuator"
          + " (an HPA or KEDA may scale the fleet to zero).")
  private Integer minReplicas = 1;

  @Default("4")
  @Min(1)
  @Max(1000)
  @JsonPropertyDescription("Most replicas the fleet may grow to.")
  private Integer maxReplicas = 4;

  @Default("{}")
  @JsonPropertyDescription(
      "What the builtin autoscaler holds: latency and tokens-per-forward targets.")
  private ScalingTargets targets = new ScalingTargets();

  @Default("{}")
  @JsonPropertyDescription("How fast the builtin autoscaler reacts: windows, panic and cooldown.")
  private ScalingBehavior behavior = new ScalingBehavior();

  @Default("builtin")
  @JsonPropertyDescription(
      "builtin: the operator's autoscaler sets replicas from tokens per forward and latency;"
          + " external: an HPA or KEDA sets spec.replicas through the /scale subresource.")
  private ScalingActuator actuator = ScalingActuator.BUILTIN;

  @Default("static")
  @JsonPropertyDescription(
      "static: requests that name no mode are spread by modes.mix as written. adaptive: the"
          + " builtin autoscaler starts from modes.mix and, in the same cycle that decides replicas"
          + " (never in a cycle that changes them), moves weight within modeBounds toward the mode"
          + " giving the most tokens per second per replica (status.modeAdvice), with hysteresis:"
          + " the advantage must exceed a margin over consecutive cycles and shifts are spaced by"
          + " a dwell time. The mix in force is status.effectiveModeMix; the spec is never"
          + " written. Changing the mix reloads the runtime configuration, no pod restarts.")
  private ModePolicy modePolicy = ModePolicy.STATIC;

  @Default("{}")
  @JsonPropertyDescription(
      "Per mode, the percentages the adaptive mode policy may give it (default 0 to 100 each)."
          + " Ignored by the static policy.")
  private ModeBounds modeBounds = new ModeBounds();

  public Integer getMinReplicas() {
    return minReplicas;
  }

  public void setMinReplicas(Integer minReplicas) {
    this.minReplicas = minReplicas;
  }

  public Integer getMaxReplicas() {
    return maxReplicas;
  }

  public void setMaxReplicas(Integer maxReplicas) {
    this.maxReplicas = maxReplicas;
  }

  public ScalingTargets getTargets() {
    return targets;
  }

  public void setTargets(ScalingTargets targets) {
    this.targets = targets;
  }

  public ScalingBehavior getBehavior() {
    return behavior;
  }

  public void setBehavior(ScalingBehavior behavior) {
    this.behavior = behavior;
  }

  public ModePolicy getModePolicy() {
    return modePolicy;
  }

  public void setModePolicy(ModePolicy modePolicy) {
    this.modePolicy = modePolicy;
  }

  public ModeBounds getModeBounds() {
    return modeBounds;
  }

  public void setModeBounds(ModeBounds modeBounds) {
    this.modeBounds = modeBounds;
  }

  public ScalingActuator getActuator() {
    return actuator;
  }

  public void setActuator(ScalingActuator actuator) {
    this.actuator = actuator;
  }
}
