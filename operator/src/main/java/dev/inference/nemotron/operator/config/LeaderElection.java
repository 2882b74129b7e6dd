package dev.inference.nemotron.operator.config;

import io.javaoperatorsdk.operator.api.config.ConfigurationServiceOverrider;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.quarkiverse.operatorsdk.runtime.api.ConfigurationServiceCustomizer;
import jakarta.inject.Singleton;
import java.util.function.Consumer;

/**
 * Leader election on the Lease {@code nemotron-operator} in the operator's namespace, so that
 * several operator replicas can run for availability while one reconciles. The extension activates
 * it in the profiles of {@code quarkus.operator-sdk.activate-leader-election-for-profiles} (prod by
 * default; tests run a single instance without it).
 */
@Singleton
public class LeaderElection implements ConfigurationServiceCustomizer {

  static final String LEASE_NAME = "nemotron-operator";

  private final OperatorSettings settings;

  public LeaderElection(OperatorSettings settings) {
    this.settings = settings;
  }

  @Override
  public Consumer<ConfigurationServiceOverrider> overrider() {
    return overrider ->
        overrider.withLeaderElectionConfiguration(
            new LeaderElectionConfiguration(LEASE_NAME, settings.namespace()));
  }
}
