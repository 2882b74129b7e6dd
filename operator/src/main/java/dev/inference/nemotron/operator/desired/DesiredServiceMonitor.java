package dev.inference.nemotron.operator.desired;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.List;
import java.util.Map;

/**
 * The Prometheus Operator ServiceMonitor that scrapes the fleet: it selects the fleet's Service by
 * that Service's own labels and scrapes its {@code http} port at {@link Fleet#METRICS_PATH}, every
 * 15 s like the builtin autoscaler. Built as a generic resource, so the operator needs no
 * Prometheus Operator model on its class path.
 *
 * <p>The series carry the labels the chart's Grafana dashboard selects and groups fleets by: {@code
 * namespace}, {@code service} (the Service's name, which is the fleet's and its Deployment's name)
 * and {@code pod}. The Prometheus Operator adds these to every ServiceMonitor target by default;
 * the endpoint's relabelings set them explicitly, so the dashboard does not depend on that default.
 */
public final class DesiredServiceMonitor {

  public static final String GROUP = "monitoring.coreos.com";
  public static final String VERSION = "v1";
  public static final String KIND = "ServiceMonitor";
  public static final String PLURAL = "servicemonitors";

  /** Name of the Prometheus Operator's CRD that serves the kind. */
  public static final String CRD_NAME = PLURAL + "." + GROUP;

  /**
   * The kind spelt out, so that the client needs no API discovery (which fails while the CRD is
   * absent).
   */
  public static final ResourceDefinitionContext CONTEXT =
      new ResourceDefinitionContext.Builder()
          .withGroup(GROUP)
          .withVersion(VERSION)
          .withKind(KIND)
          .withPlural(PLURAL)
          .withNamespaced(true)
          .build();

  static final String SCRAPE_INTERVAL = "15s";

  private DesiredServiceMonitor() {}

  /** The ServiceMonitor of {@code fleet}. */
  public static GenericKubernetesResource of(Fleet fleet) {
    Map<String, String> serviceLabels = DesiredService.of(fleet).getMetadata().getLabels();
    Map<String, Object> endpoint =
        Map.of(
            "port",
            Fleet.HTTP_PORT_NAME,
            "path",
            Fleet.METRICS_PATH,
            "scheme",
            "http",
            "interval",
            SCRAPE_INTERVAL,
            "relabelings",
            List.of(
                copy("__meta_kubernetes_namespace", "namespace"),
                copy("__meta_kubernetes_service_name", "service"),
                copy("__meta_kubernetes_pod_name", "pod")));
    GenericKubernetesResource monitor =
        new GenericKubernetesResourceBuilder()
            .withApiVersion(GROUP + "/" + VERSION)
            .withKind(KIND)
            .withNewMetadata()
            .withName(fleet.serviceName())
            .withNamespace(fleet.namespace())
            .withLabels(fleet.labels("monitoring"))
            .endMetadata()
            .withAdditionalProperties(
                Map.of(
                    "spec",
                    Map.of(
                        "selector", Map.of("matchLabels", serviceLabels),
                        "namespaceSelector", Map.of("matchNames", List.of(fleet.namespace())),
                        "endpoints", List.of(endpoint))))
            .build();
    monitor.addOwnerReference(fleet.resource());
    return monitor;
  }

  private static Map<String, Object> copy(String discoveryLabel, String seriesLabel) {
    return Map.of(
        "action", "replace", "sourceLabels", List.of(discoveryLabel), "targetLabel", seriesLabel);
  }
}
