package dev.inference.nemotron.operator.monitoring;

import dev.inference.nemotron.operator.config.OperatorSettings;
import dev.inference.nemotron.operator.desired.DesiredServiceMonitor;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.HttpURLConnection;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * Whether the cluster serves the Prometheus Operator's {@code monitoring.coreos.com/v1}
 * ServiceMonitors. One GET of their CRD answers for every fleet for {@link
 * OperatorSettings#prometheusOperatorRecheck()}; no informer watches the kind, so a cluster without
 * the Prometheus Operator costs nothing but that GET.
 */
@ApplicationScoped
public class ServiceMonitorApi {

  private static final Logger LOG = Logger.getLogger(ServiceMonitorApi.class);

  private record Answer(boolean served, long askedAtNanos) {}

  private final KubernetesClient client;
  private final Duration recheck;
  private volatile Answer answer;

  public ServiceMonitorApi(KubernetesClient client, OperatorSettings settings) {
    this.client = client;
    this.recheck = settings.prometheusOperatorRecheck();
  }

  /** Whether ServiceMonitors can be written, from the cached answer while it is fresh. */
  public boolean served() {
    Answer current = answer;
    long now = System.nanoTime();
    if (current == null || now - current.askedAtNanos() >= recheck.toNanos()) {
      current = new Answer(ask(), now);
      answer = current;
    }
    return current.served();
  }

  /** Drops the cached answer, e.g. when a write found the kind gone since it was asked. */
  public void forget() {
    answer = null;
  }

  private boolean ask() {
    CustomResourceDefinition crd;
    try {
      crd =
          client
              .apiextensions()
              .v1()
              .customResourceDefinitions()
              .withName(DesiredServiceMonitor.CRD_NAME)
              .get();
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_FORBIDDEN) {
        throw e;
      }
      LOG.warnf(
          "the operator may not read CRD %s (RBAC): fleets get no ServiceMonitor; grant get on"
              + " it to enable them",
          DesiredServiceMonitor.CRD_NAME);
      return false;
    }
    return crd != null
        && crd.getSpec().getVersions().stream()
            .anyMatch(
                v ->
                    DesiredServiceMonitor.VERSION.equals(v.getName())
                        && Boolean.TRUE.equals(v.getServed()));
  }
}
