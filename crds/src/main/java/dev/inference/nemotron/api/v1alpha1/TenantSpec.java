package dev.inference.nemotron.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** One caller of the endpoint: its API key, rate limits and fair-share weight. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TenantSpec {

  @Required
  @Size(min = 1, max = 63)
  @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
  @JsonPropertyDescription(
      "Tenant name (a DNS label), unique within the resource; it labels the per-tenant metrics.")
  private String name;

  @Required
  @JsonPropertyDescription(
      "The Secret key holding this tenant's API key; the key is mounted into the pods and never"
          + " copied into ConfigMaps, logs or status. Rotating the key inside the Secret needs no"
          + " restart (the runtime re-reads the mounted file); pointing at another Secret or key"
          + " rolls the pods.")
  private SecretKeyRef apiKeySecretRef;

  @Min(1)
  @JsonPropertyDescription(
      "Generated plus prompt tokens per minute the tenant may use across the whole fleet. Each"
          + " replica enforces its share (this limit divided by the replicas, rounded up), and"
          + " the shares follow the replica count as the fleet scales, without restarting pods."
          + " Absent: no limit. Applied to running pods without a restart.")
  private Long tokensPerMinute;

  @Min(1)
  @Max(100000)
  @JsonPropertyDescription(
      "Requests the tenant may have in flight at once on each replica (not divided among the"
          + " replicas). Absent: no limit. Applied to running pods without a restart.")
  private Integer maxConcurrentRequests;

  @Default("1")
  @Min(1)
  @Max(1000)
  @JsonPropertyDescription(
      "Weight in fair queueing: under contention a tenant gets scheduling slots in proportion to"
          + " its weight. Applied to running pods without a restart.")
  private Integer weight = 1;

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public SecretKeyRef getApiKeySecretRef() {
    return apiKeySecretRef;
  }

  public void setApiKeySecretRef(SecretKeyRef apiKeySecretRef) {
    this.apiKeySecretRef = apiKeySecretRef;
  }

  public Long getTokensPerMinute() {
    return tokensPerMinute;
  }

  public void setTokensPerMinute(Long tokensPerMinute) {
    this.tokensPerMinute = tokensPerMinute;
  }

  public Integer getMaxConcurrentRequests() {
    return maxConcurrentRequests;
  }

  public void setMaxConcurrentRequests(Integer maxConcurrentRequests) {
    this.maxConcurrentRequests = maxConcurrentRequests;
  }

  public Integer getWeight() {
    return weight;
  }

  public void setWeight(Integer weight) {
    this.weight = weight;
  }
}
