package dev.inference.nemotron.operator.dependent;

import dev.inference.nemotron.api.v1alpha1.NemotronDiffusionDeployment;
import dev.inference.nemotron.operator.desired.DesiredServiceMonitor;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import java.time.Duration;
import java.time.Instant;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Activates the ServiceMonitor only where the API server serves the Prometheus Operator's {@code
 * servicemonitors.monitoring.coreos.com} CRD; elsewhere the operator would fail to watch a kind
 * that does not exist. A found CRD is remembered; an absent one is asked for again after {@code
 * nemotron.operator.crd-recheck-interval} (default 60 s), so installing the Prometheus Operator
 * later is noticed without asking the API server on every reconciliation.
 */
public class PrometheusOperatorInstalled implements Condition<Object, NemotronDiffusionDeployment> {

  private final Duration recheckInterval =
      ConfigProvider.getConfig()
          .getOptionalValue("nemotron.operator.crd-recheck-interval", Duration.class)
          .orElse(Duration.ofSeconds(60));

  private volatile boolean installed;
  private volatile Instant nextCheck = Instant.MIN;

  @Override
  public boolean isMet(
      DependentResource<Object, NemotronDiffusionDeployment> dependentResource,
      NemotronDiffusionDeployment primary,
      Context<NemotronDiffusionDeployment> context) {
    if (!installed && Instant.now().isAfter(nextCheck)) {
      installed =
          context
                  .getClient()
                  .apiextensions()
                  .v1()
                  .customResourceDefinitions()
                  .withName(DesiredServiceMonitor.CRD_NAME)
                  .get()
              != null;
      nextCheck = Instant.now().plus(recheckInterval);
    }
    return installed;
  }
}
