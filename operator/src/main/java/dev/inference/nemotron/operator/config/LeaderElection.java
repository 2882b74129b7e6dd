package dev.inference.nemotron.operator.config;

import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.quarkus.arc.Unremovable;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * Leader election on the Lease {@code nemotron-operator} in the operator's namespace, so that
 * several operator replicas can run for availability while one reconciles. The extension picks the
 * bean up and activates it in the profiles of {@code
 * quarkus.operator-sdk.activate-leader-election-for-profiles} (prod by default; tests run a single
 * instance without it).
 */
@ApplicationScoped
public class LeaderElection {

  static final String LEASE_NAME = "nemotron-operator";

  @Produces
  @Singleton
  @Unremovable
  LeaderElectionConfiguration leaderElection(OperatorSettings settings) {
    return new LeaderElectionConfiguration(LEASE_NAME, settings.namespace());
  }
}
