package dev.inference.nemotron.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.PrinterColumn;

/** Fleet-wide measurements, from windowed rates of the replicas' metrics. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ObservedMetrics {

  @JsonPropertyDescription("Tokens per forward pass of each decoding mode.")
  private ModeTokensPerForward tokensPerForward;

  @PrinterColumn(name = "TPF")
  @JsonPropertyDescription(
      "Tokens per forward pass over all requests (generated tokens over forward passes, every mode"
          + " together).")
  private Double tokensPerForwardMixed;

  @PrinterColumn(name = "P95ms")
  @JsonPropertyDescription("95th percentile request duration, in milliseconds.")
  private Double p95LatencyMs;

  @JsonPropertyDescription("95th percentile time to first token, in milliseconds.")
  private Double timeToFirstTokenMs;

  @JsonPropertyDescription("Generated tokens per second over the whole fleet.")
  private Double tokensPerSecond;

  @JsonPropertyDescription("Requests waiting in the replicas' queues, summed.")
  private Integer queueDepth;

  @JsonPropertyDescription("When these values were computed (RFC 3339).")
  private String sampledAt;

  public ModeTokensPerForward getTokensPerForward() {
    return tokensPerForward;
  }

  public void setTokensPerForward(ModeTokensPerForward tokensPerForward) {
    this.tokensPerForward = tokensPerForward;
  }

  public Double getTokensPerForwardMixed() {
    return tokensPerForwardMixed;
  }

  public void setTokensPerForwardMixed(Double tokensPerForwardMixed) {
    this.tokensPerForwardMixed = tokensPerForwardMixed;
  }

  public Double getP95LatencyMs() {
    return p95LatencyMs;
  }

  public void setP95LatencyMs(Double p95LatencyMs) {
    this.p95LatencyMs = p95LatencyMs;
  }

  public Double getTimeToFirstTokenMs() {
    return timeToFirstTokenMs;
  }

  public void setTimeToFirstTokenMs(Double timeToFirstTokenMs) {
    this.timeToFirstTokenMs = timeToFirstTokenMs;
  }

  public Double getTokensPerSecond() {
    return tokensPerSecond;
  }

  public void setTokensPerSecond(Double tokensPerSecond) {
    this.tokensPerSecond = tokensPerSecond;
  }

  public Integer getQueueDepth() {
    return queueDepth;
  }

  public void setQueueDepth(Integer queueDepth) {
    this.queueDepth = queueDepth;
  }

  public String getSampledAt() {
    return sampledAt;
  }

  public void setSampledAt(String sampledAt) {
    this.sampledAt = sampledAt;
  }
}
