package dev.inference.nemotron.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** Service levels the builtin autoscaler adds replicas to keep. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ScalingTargets {

  @Default("2000")
  @Min(1)
  @Max(3600000)
  @JsonPropertyDescription(
      "95th percentile request duration, in milliseconds, above which replicas are added.")
  private Integer p95LatencyMs = 2000;

  @Default("500")
  @Min(1)
  @Max(3600000)
  @JsonPropertyDescription(
      "95th percentile time to first token, in milliseconds, above which replicas are added.")
  private Integer timeToFirstTokenMs = 500;

  @Default("1.0")
  @Min(1.0)
  @Max(128.0)
  @JsonPropertyDescription(
      "Tokens per forward pass (over the mode mix) below which the fleet is reported Degraded:"
          + " drafts are being rejected and capacity per replica is lower than planned.")
  private Double minTokensPerForward = 1.0;

  public Integer getP95LatencyMs() {
    return p95LatencyMs;
  }

  public void setP95LatencyMs(Integer p95LatencyMs) {
    this.p95LatencyMs = p95LatencyMs;
  }

  public Integer getTimeToFirstTokenMs() {
    return timeToFirstTokenMs;
  }

  public void setTimeToFirstTokenMs(Integer timeToFirstTokenMs) {
    this.timeToFirstTokenMs = timeToFirstTokenMs;
  }

  public Double getMinTokensPerForward() {
    return minTokensPerForward;
  }

  public void setMinTokensPerForward(Double minTokensPerForward) {
    this.minTokensPerForward = minTokensPerForward;
  }
}
