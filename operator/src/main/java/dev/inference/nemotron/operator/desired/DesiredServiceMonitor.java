package dev.inference.nemotron.operator.desired;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import java.util.List;
import java.util.Map;

/**
 * A Prometheus Operator ServiceMonitor for the fleet's metrics. Built as a generic resource so the
 * operator needs no Prometheus Operator model on its class path; created only where that CRD
 * exists.
 */
public final class DesiredServiceMonitor {

  public static final String GROUP = "monitoring.coreos.com";
  public static final String VERSION = "v1";
  public static final String KIND = "ServiceMonitor";
  public static final String CRD_NAME = "servicemonitors." + GROUP;

  private DesiredServiceMonitor() {}

  public static GenericKubernetesResource of(Fleet fleet) {
    Map<String, Object> endpoint =
        Map.of("port", "http", "path", fleet.settings().metricsPath(), "interval", "15s");
    return new GenericKubernetesResourceBuilder()
        .withApiVersion(GROUP + "/" + VERSION)
        .withKind(KIND)
        .withNewMetadata()
        .withName(fleet.name())
        .withNamespace(fleet.namespace())
        .withLabels(fleet.labels("inference"))
        .endMetadata()
        .withAdditionalProperties(
            Map.of(
                "spec",
                Map.of(
                    "selector", Map.of("matchLabels", fleet.selectorLabels()),
                    "endpoints", List.of(endpoint))))
        .build();
  }
}
