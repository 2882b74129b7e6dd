package dev.inference.nemotron.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** One change of the replica count. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ScaleEvent {

  @JsonPropertyDescription("When the change was made (RFC 3339).")
  private String time;

  @JsonPropertyDescription("Replicas before the change.")
  private Integer from;

  @JsonPropertyDescription("Replicas after the change.")
  private Integer to;

  @JsonPropertyDescription(
      "Why, with the numbers that decided it, e.g. \"p95 latency 2600ms above target 2000ms\".")
  private String reason;

  public String getTime() {
    return time;
  }

  public void setTime(String time) {
    this.time = time;
  }

  public Integer getFrom() {
    return from;
  }

  public void setFrom(Integer from) {
    this.from = from;
  }

  public Integer getTo() {
    return to;
  }

  public void setTo(Integer to) {
    this.to = to;
  }

  public String getReason() {
    return reason;
  }

  public void setReason(String reason) {
    this.reason = reason;
  }
}
