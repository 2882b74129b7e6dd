package dev.inference.nemotron.operator.desired;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.inference.nemotron.api.v1alpha1.NemotronDiffusionDeployment;
import dev.inference.nemotron.operator.SampleFleets;
import dev.inference.nemotron.operator.sizing.ModelSizing;
import dev.inference.nemotron.operator.spec.ModelSourceUri;
import dev.inference.nemotron.operator.spec.SpecSizing;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The ServiceMonitor as a pure function of a fleet, and its agreement with the Service and pods.
 */
class DesiredServiceMonitorTest {

  private static Fleet fleet() {
    NemotronDiffusionDeployment resource = SampleFleets.chat8b("chat-8b", "team-a");
    resource.getMetadata().setUid("0f5c3c9e-8b1a-4a57-9d3e-7f4f1c2b6a10");
    var spec = resource.getSpec();
    return new Fleet(
        resource,
        ModelSourceUri.parse(spec.getModel().getSource().getUri()).orElseThrow(),
        SpecSizing.gpuClass(spec),
        ModelSizing.estimate(SpecSizing.request(spec)),
        1,
        TestSettings.DEFAULT);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> spec(GenericKubernetesResource monitor) {
    return (Map<String, Object>) monitor.getAdditionalProperties().get("spec");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> onlyEndpoint(GenericKubernetesResource monitor) {
    List<Map<String, Object>> endpoints =
        (List<Map<String, Object>>) spec(monitor).get("endpoints");
    assertThat(endpoints).hasSize(1);
    return endpoints.getFirst();
  }

  @Test
  void isAPrometheusOperatorServiceMonitorNamedAfterTheFleetInItsNamespace() {
    GenericKubernetesResource monitor = DesiredServiceMonitor.of(fleet());

    assertThat(monitor.getApiVersion()).isEqualTo("monitoring.coreos.com/v1");
    assertThat(monitor.getKind()).isEqualTo("ServiceMonitor");
    assertThat(monitor.getMetadata().getName()).isEqualTo("chat-8b");
    assertThat(monitor.getMetadata().getNamespace()).isEqualTo("team-a");
    assertThat(monitor.getMetadata().getLabels())
        .containsEntry("app.kubernetes.io/managed-by", "nemotron-operator")
        .containsEntry("app.kubernetes.io/instance", "chat-8b");
    assertThat(DesiredServiceMonitor.CRD_NAME).isEqualTo("servicemonitors.monitoring.coreos.com");
  }

  @Test
  void isOwnedByTheFleetSoDeletingTheFleetRemovesIt() {
    GenericKubernetesResource monitor = DesiredServiceMonitor.of(fleet());

    assertThat(monitor.getMetadata().getOwnerReferences())
        .singleElement()
        .extracting(
            OwnerReference::getKind,
            OwnerReference::getApiVersion,
            OwnerReference::getName,
            OwnerReference::getUid)
        .containsExactly(
            "NemotronDiffusionDeployment",
            "nemotron.inference.dev/v1alpha1",
            "chat-8b",
            "0f5c3c9e-8b1a-4a57-9d3e-7f4f1c2b6a10");
  }

  @Test
  void selectsExactlyTheFleetsServiceInItsOwnNamespace() {
    Fleet fleet = fleet();
    Service service = DesiredService.of(fleet);
    GenericKubernetesResource monitor = DesiredServiceMonitor.of(fleet);

    assertThat(spec(monitor).get("selector"))
        .isEqualTo(Map.of("matchLabels", service.getMetadata().getLabels()));
    assertThat(service.getMetadata().getLabels())
        .containsEntry("app.kubernetes.io/component", "inference");
    assertThat(spec(monitor).get("namespaceSelector"))
        .isEqualTo(Map.of("matchNames", List.of("team-a")));
  }

  @Test
  void scrapesTheMetricsPathOnTheNamedPortThatTheServiceAndTheContainerExpose() {
    Fleet fleet = fleet();
    Map<String, Object> endpoint = onlyEndpoint(DesiredServiceMonitor.of(fleet));
    ServicePort servicePort = DesiredService.of(fleet).getSpec().getPorts().getFirst();
    ContainerPort containerPort =
        DesiredDeployment.of(fleet)
            .getSpec()
            .getTemplate()
            .getSpec()
            .getContainers()
            .getFirst()
            .getPorts()
            .stream()
            .filter(p -> "http".equals(p.getName()))
            .findFirst()
            .orElseThrow();

    assertThat(endpoint)
        .containsEntry("port", "http")
        .containsEntry("path", "/metrics")
        .containsEntry("scheme", "http")
        .containsEntry("interval", "15s");
    assertThat(servicePort.getName()).isEqualTo(endpoint.get("port"));
    assertThat(servicePort.getTargetPort().getStrVal()).isEqualTo(containerPort.getName());
    assertThat(containerPort.getContainerPort()).isEqualTo(8080);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, String> relabeledFrom(GenericKubernetesResource monitor) {
    Map<String, String> targets = new java.util.TreeMap<>();
    for (Map<String, Object> rule :
        (List<Map<String, Object>>) onlyEndpoint(monitor).get("relabelings")) {
      assertThat(rule.get("action")).isEqualTo("replace");
      List<String> sources = (List<String>) rule.get("sourceLabels");
      assertThat(sources).hasSize(1);
      targets.put((String) rule.get("targetLabel"), sources.getFirst());
    }
    return targets;
  }

  @Test
  void theSeriesCarryTheLabelsTheChartsDashboardSelectsFleetsBy() throws Exception {
    JsonNode dashboard =
        new ObjectMapper()
            .readTree(
                Path.of("../charts/nemotron-operator/dashboards/nemotron-diffusion-fleets.json")
                    .toFile());
    Map<String, String> variables = new java.util.TreeMap<>();
    for (JsonNode variable : dashboard.at("/templating/list")) {
      variables.put(variable.path("name").asText(), variable.at("/query/query").asText());
    }
    // label_values(<series>, <label>): the label each dashboard variable lists fleets by
    assertThat(variables.get("namespace")).endsWith(", namespace)");
    assertThat(variables.get("fleet")).endsWith(", service)");
    Fleet fleet = fleet();

    assertThat(relabeledFrom(DesiredServiceMonitor.of(fleet)))
        .containsEntry("namespace", "__meta_kubernetes_namespace")
        .containsEntry("service", "__meta_kubernetes_service_name")
        .containsEntry("pod", "__meta_kubernetes_pod_name");
    // $fleet is a Service name, and the Replicas panel reuses it as the Deployment's name
    assertThat(fleet.serviceName())
        .isEqualTo(DesiredService.of(fleet).getMetadata().getName())
        .isEqualTo(fleet.deploymentName());
    assertThat(dashboard.toString()).contains("deployment=~\\\"$fleet\\\"");
  }
}
