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
            SCRAPE_INTERVAL);
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
}
