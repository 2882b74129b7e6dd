package dev.inference.nemotron.pod.serve.config;

import java.nio.file.Path;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * One entry of {@code tenants} in runtime.yaml: a client population with its own API key and
 * limits. The key itself is not here, only the file the pod template mounts it to.
 *
 * @param name a DNS label, unique in the file; it labels the per-tenant metrics
 * @param apiKeyFile the file holding the tenant's API key (from its Secret)
 * @param tokensPerMinute prompt plus generated tokens the tenant may use per minute on this server;
 *     empty: no limit. runtime.yaml gives the limit of the whole fleet and the fleet's replicas
 *     ({@code fleet.replicas}); this is the server's share, the limit divided by the replicas and
 *     rounded up, so the fleet together allows the limit (a little more when it does not divide)
 * @param maxConcurrentRequests requests the tenant may have in flight; empty: no limit
 * @param weight the tenant's share in weighted fair queueing, 1 to 1000
 */
public record TenantConfig(
    String name,
    Path apiKeyFile,
    OptionalLong tokensPerMinute,
    OptionalInt maxConcurrentRequests,
    int weight) {

  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

  /** Checks the name and the ranges. */
  public TenantConfig {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(apiKeyFile, "apiKeyFile");
    Objects.requireNonNull(tokensPerMinute, "tokensPerMinute");
    Objects.requireNonNull(maxConcurrentRequests, "maxConcurrentRequests");
    if (name.length() > 63 || !DNS_LABEL.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "name must be a DNS label (lower-case letters, digits and '-', at most 63), got '"
              + name
              + "'");
    }
    if (tokensPerMinute.isPresent() && tokensPerMinute.getAsLong() < 1) {
      throw new IllegalArgumentException(
          "tokensPerMinute must be >= 1 (leave it out for no limit), got "
              + tokensPerMinute.getAsLong());
    }
    if (maxConcurrentRequests.isPresent()
        && (maxConcurrentRequests.getAsInt() < 1 || maxConcurrentRequests.getAsInt() > 100_000)) {
      throw new IllegalArgumentException(
          "maxConcurrentRequests must be between 1 and 100000 (leave it out for no limit), got "
              + maxConcurrentRequests.getAsInt());
    }
    if (weight < 1 || weight > 1000) {
      throw new IllegalArgumentException("weight must be between 1 and 1000, got " + weight);
    }
  }
}
