package dev.inference.nemotron.charts;

import static dev.inference.nemotron.charts.NemotronOperatorChart.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChartTemplateTest {

  private static final String OPERATOR = "nemotron-operator";

  @Test
  void defaultValuesRenderTheOperatorWithClusterWideRbac() {
    RenderedChart chart = NemotronOperatorChart.render();

    assertThat(chart.kinds())
        .filteredOn(kind -> !kind.equals("CustomResourceDefinition"))
        .containsExactlyInAnyOrder(
            "ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Service", "Deployment");
    JsonNode binding = chart.one("ClusterRoleBinding");
    assertThat(binding.at("/roleRef/name").asText()).isEqualTo(OPERATOR);
    assertThat(binding.at("/subjects/0/kind").asText()).isEqualTo("ServiceAccount");
    assertThat(binding.at("/subjects/0/name").asText()).isEqualTo(OPERATOR);
    assertThat(binding.at("/subjects/0/namespace").asText()).isEqualTo(NAMESPACE);
    JsonNode pod = chart.one("Deployment").at("/spec/template/spec");
    assertThat(pod.path("serviceAccountName").asText()).isEqualTo(OPERATOR);
  }

  @Test
  void operatorContainerIsHardened() {
    JsonNode pod = NemotronOperatorChart.render().one("Deployment").at("/spec/template/spec");
    JsonNode container = operatorContainer(pod);

    assertThat(pod.at("/securityContext/runAsNonRoot").asBoolean()).isTrue();
    assertThat(pod.at("/securityContext/runAsUser").asInt()).isEqualTo(10001);
    assertThat(pod.at("/securityContext/runAsGroup").asInt()).isEqualTo(10001);
    JsonNode security = container.path("securityContext");
    assertThat(security.path("runAsNonRoot").asBoolean()).isTrue();
    assertThat(security.path("runAsUser").asInt()).isEqualTo(10001);
    assertThat(security.path("readOnlyRootFilesystem").asBoolean()).isTrue();
    assertThat(security.path("allowPrivilegeEscalation").asBoolean()).isFalse();
    assertThat(security.at("/capabilities/drop"))
        .extracting(JsonNode::asText)
        .containsExactly("ALL");
    assertThat(security.at("/seccompProfile/type").asText()).isEqualTo("RuntimeDefault");
    // a read-only root needs a writable /tmp for the JVM
    assertThat(container.at("/volumeMounts/0/mountPath").asText()).isEqualTo("/tmp");
    assertThat(pod.at("/volumes/0/emptyDir").isObject()).isTrue();
  }

  @Test
  void operatorContainerHardeningEqualsTheOperatorsOwnManifest() throws Exception {
    RenderedChart manifest = RenderedChart.parse(Files.readString(ProjectFiles.operatorManifest()));
    JsonNode expected =
        operatorContainer(manifest.one("Deployment").at("/spec/template/spec"))
            .path("securityContext");
    JsonNode rendered =
        operatorContainer(
                NemotronOperatorChart.render().one("Deployment").at("/spec/template/spec"))
            .path("securityContext");

    // every setting of the hand-written hardening is rendered with the same value
    expected
        .properties()
        .forEach(e -> assertThat(rendered.path(e.getKey())).as(e.getKey()).isEqualTo(e.getValue()));
  }

  @Test
  void defaultValuesTellTheOperatorItsSettings() {
    JsonNode container =
        operatorContainer(
            NemotronOperatorChart.render().one("Deployment").at("/spec/template/spec"));
    Map<String, JsonNode> env = env(container);

    assertThat(container.path("image").asText()).isEqualTo("nemotron-operator:0.1.0");
    assertThat(container.path("imagePullPolicy").asText()).isEqualTo("IfNotPresent");
    assertThat(env.get("POD_NAMESPACE").at("/valueFrom/fieldRef/fieldPath").asText())
        .isEqualTo("metadata.namespace");
    assertThat(
            value(env, "QUARKUS_OPERATOR_SDK_CONTROLLERS_NEMOTRONDIFFUSIONDEPLOYMENT_NAMESPACES"))
        .isEqualTo("JOSDK_ALL_NAMESPACES");
    assertThat(value(env, "NEMOTRON_OPERATOR_IMAGE")).isEqualTo("nemotron-inference-pod:0.1.0");
    assertThat(value(env, "NEMOTRON_OPERATOR_IMAGE_PULL_POLICY")).isEqualTo("IfNotPresent");
    assertThat(value(env, "NEMOTRON_OPERATOR_RUN_AS_USER")).isEqualTo("10001");
    assertThat(env)
        .as(
            "unset lists stay unset: file:// sources refused, no extra scrapers, GPU pods placed"
                + " by their product label")
        .doesNotContainKeys(
            "NEMOTRON_OPERATOR_ALLOWED_HOST_PATH_PREFIXES",
            "NEMOTRON_OPERATOR_SCRAPE_NAMESPACES",
            "NEMOTRON_OPERATOR_GPU_PLACEMENT");
    assertThat(container.at("/resources/requests/cpu").asText()).isEqualTo("100m");
    assertThat(container.at("/resources/limits/memory").asText()).isEqualTo("512Mi");
  }

  @Test
  void probesAndPortEqualTheGeneratedOperatorManifest() throws Exception {
    assumeThat(ProjectFiles.generatedOperatorManifest())
        .as("the operator module is packaged first in the reactor (mvn verify)")
        .exists();
    JsonNode generated =
        operatorContainer(
            RenderedChart.parse(Files.readString(ProjectFiles.generatedOperatorManifest()))
                .one("Deployment")
                .at("/spec/template/spec"));
    JsonNode rendered =
        operatorContainer(
            NemotronOperatorChart.render().one("Deployment").at("/spec/template/spec"));

    for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
      assertThat(rendered.path(probe)).as(probe).isEqualTo(generated.path(probe));
    }
    assertThat(rendered.at("/ports/0/containerPort"))
        .isEqualTo(generated.at("/ports/0/containerPort"));
  }

  @Test
  void watchNamespacesGetARoleEachAndTheOperatorWatchesOnlyThem() {
    RenderedChart chart = NemotronOperatorChart.render("watchNamespaces: [team-a, team-b]\n");

    for (String namespace : List.of("team-a", "team-b")) {
      JsonNode binding = chart.one("RoleBinding", namespace, OPERATOR);
      assertThat(binding.at("/roleRef/kind").asText()).isEqualTo("Role");
      assertThat(binding.at("/roleRef/name").asText()).isEqualTo(OPERATOR);
      assertThat(binding.at("/subjects/0/namespace").asText()).isEqualTo(NAMESPACE);
      assertThat(chart.one("Role", namespace, OPERATOR).path("rules").size()).isPositive();
    }
    assertThat(chart.ofKind("Role")).hasSize(3); // two watched namespaces + the Lease's
    assertThat(
            chart
                .one("Role", NAMESPACE, OPERATOR + "-leader-election")
                .at("/rules/0/resources/0")
                .asText())
        .isEqualTo("leases");
    assertThat(chart.ofKind("ClusterRole"))
        .as("cluster-wide: only reading the ServiceMonitor CRD")
        .singleElement()
        .satisfies(
            role ->
                assertThat(role.at("/rules/0/resourceNames/0").asText())
                    .isEqualTo("servicemonitors.monitoring.coreos.com"));
    Map<String, JsonNode> env =
        env(operatorContainer(chart.one("Deployment").at("/spec/template/spec")));
    assertThat(
            value(env, "QUARKUS_OPERATOR_SDK_CONTROLLERS_NEMOTRONDIFFUSIONDEPLOYMENT_NAMESPACES"))
        .isEqualTo("team-a,team-b");
  }

  @Test
  void serviceMonitorScrapesTheOperatorsMetricsWhenEnabled() {
    RenderedChart chart =
        NemotronOperatorChart.render(
            """
            serviceMonitor:
              enabled: true
              interval: 15s
              labels: {release: prometheus}
            """);

    JsonNode monitor = chart.one("ServiceMonitor");
    JsonNode service = chart.one("Service");
    assertThat(monitor.path("apiVersion").asText()).isEqualTo("monitoring.coreos.com/v1");
    assertThat(monitor.at("/metadata/labels/release").asText()).isEqualTo("prometheus");
    service
        .at("/metadata/labels")
        .properties()
        .forEach(
            e -> {
              JsonNode selected = monitor.at("/spec/selector/matchLabels").path(e.getKey());
              assertThat(selected.isMissingNode() || selected.equals(e.getValue()))
                  .as("selector label %s matches the Service", e.getKey())
                  .isTrue();
            });
    assertThat(monitor.at("/spec/selector/matchLabels").size()).isPositive();
    assertThat(monitor.at("/spec/endpoints/0/port").asText())
        .isEqualTo(service.at("/spec/ports/0/name").asText());
    assertThat(monitor.at("/spec/endpoints/0/path").asText()).isEqualTo("/q/metrics");
    assertThat(monitor.at("/spec/endpoints/0/interval").asText()).isEqualTo("15s");
    assertThat(NemotronOperatorChart.render().ofKind("ServiceMonitor"))
        .as("off by default")
        .isEmpty();
  }

  @Test
  void grafanaDashboardConfigMapHoldsTheShippedDashboardWhenEnabled() throws Exception {
    RenderedChart chart = NemotronOperatorChart.render("grafanaDashboard: {enabled: true}\n");

    JsonNode configMap = chart.one("ConfigMap");
    assertThat(configMap.at("/metadata/labels/grafana_dashboard").asText()).isEqualTo("1");
    ObjectMapper json = new ObjectMapper();
    JsonNode shipped =
        json.readTree(ProjectFiles.chart().resolve(DashboardTest.DASHBOARD).toFile());
    assertThat(json.readTree(configMap.at("/data/nemotron-diffusion-fleets.json").asText()))
        .isEqualTo(shipped);
    assertThat(NemotronOperatorChart.render().ofKind("ConfigMap")).as("off by default").isEmpty();
  }

  @Test
  void imageAndRuntimeSettingsFollowTheValues() {
    RenderedChart chart =
        NemotronOperatorChart.render(
            """
            image: {repository: registry.example/ml/nemotron-operator, tag: 1.2.3, pullPolicy: Always}
            runtime:
              image: {repository: registry.example/ml/nemotron-inference-pod, tag: 1.2.3, pullPolicy: Always}
              runAsUser: 20002
            allowedHostPathPrefixes: [/var/lib/ndd/models, /mnt/models]
            scrapeNamespaces: [monitoring]
            gpuPlacement: {"*": resource-only, H100: [NVIDIA-H100-80GB-HBM3, MY-H100], L4: product-label}
            replicaCount: 2
            """);

    JsonNode deployment = chart.one("Deployment");
    JsonNode container = operatorContainer(deployment.at("/spec/template/spec"));
    Map<String, JsonNode> env = env(container);
    assertThat(deployment.at("/spec/replicas").asInt()).isEqualTo(2);
    assertThat(container.path("image").asText())
        .isEqualTo("registry.example/ml/nemotron-operator:1.2.3");
    assertThat(container.path("imagePullPolicy").asText()).isEqualTo("Always");
    assertThat(value(env, "NEMOTRON_OPERATOR_IMAGE"))
        .isEqualTo("registry.example/ml/nemotron-inference-pod:1.2.3");
    assertThat(value(env, "NEMOTRON_OPERATOR_IMAGE_PULL_POLICY")).isEqualTo("Always");
    assertThat(value(env, "NEMOTRON_OPERATOR_RUN_AS_USER")).isEqualTo("20002");
    assertThat(value(env, "NEMOTRON_OPERATOR_ALLOWED_HOST_PATH_PREFIXES"))
        .isEqualTo("/var/lib/ndd/models,/mnt/models");
    assertThat(value(env, "NEMOTRON_OPERATOR_SCRAPE_NAMESPACES")).isEqualTo("monitoring");
    // the operator's nemotron.operator.gpu-placement format (GpuPlacement): CLASS=PLACEMENT entries
    assertThat(value(env, "NEMOTRON_OPERATOR_GPU_PLACEMENT"))
        .isEqualTo("*=resource-only,H100=NVIDIA-H100-80GB-HBM3|MY-H100,L4=product-label");
  }

  static JsonNode operatorContainer(JsonNode podSpec) {
    for (JsonNode container : podSpec.path("containers")) {
      if (OPERATOR.equals(container.path("name").asText())) {
        return container;
      }
    }
    throw new AssertionError("no container named " + OPERATOR + " in " + podSpec);
  }

  private static Map<String, JsonNode> env(JsonNode container) {
    Map<String, JsonNode> env = new LinkedHashMap<>();
    container.path("env").forEach(e -> env.put(e.path("name").asText(), e));
    return env;
  }

  private static String value(Map<String, JsonNode> env, String name) {
    assertThat(env).containsKey(name);
    return env.get(name).path("value").asText();
  }
}
