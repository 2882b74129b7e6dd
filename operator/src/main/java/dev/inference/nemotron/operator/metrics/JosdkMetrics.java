package dev.inference.nemotron.operator.metrics;

import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetricsV2;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * JOSDK's controller metrics ({@code reconciliations_started_total}, {@code
 * reconciliations_success_total}, {@code reconciliations_failure_total}, {@code
 * events_received_total}, {@code reconciliations_execution_duration_seconds}, {@code
 * custom_resources}, ... per {@code controller_name}) on the application's registry, so at {@code
 * /q/metrics}. The extension's own {@code Metrics} bean hands JOSDK whatever it holds when the
 * operator is configured, and that is the no-op until Micrometer has bound it to the registry: in
 * the packaged operator it had not, and JOSDK counted nothing. This bean replaces it and is built
 * on the injected registry, so it is bound whenever JOSDK takes it. Per-controller tags only, no
 * tag per resource: the meters stay as many for 500 fleets as for one.
 */
@Singleton
public class JosdkMetrics {

  @Produces
  @Singleton
  Metrics josdkMetrics(MeterRegistry registry) {
    return MicrometerMetricsV2.newBuilder(registry).build();
  }
}
