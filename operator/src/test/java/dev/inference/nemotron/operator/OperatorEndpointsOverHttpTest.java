package dev.inference.nemotron.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.inference.nemotron.api.v1alpha1.NemotronDiffusionDeployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The operator's own HTTP endpoints over real HTTP, while it reconciles against the fabric8
 * Kubernetes mock API server in CRUD mode: Prometheus metrics at {@code /q/metrics} and the
 * Kubernetes probes at {@code /q/health/live} and {@code /q/health/ready}. Other tests share the
 * running operator, so the metrics are compared before and after this test's own resources.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class OperatorEndpointsOverHttpTest {

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CONTROLLER = "{controller_name=\"nemotrondiffusiondeployment\"}";

  @Inject KubernetesClient client;

  @TestHTTPResource("/")
  URI root;

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return HTTP.send(
        HttpRequest.newBuilder(root.resolve(path)).timeout(Duration.ofSeconds(10)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The samples of a Prometheus or OpenMetrics text exposition, by name and labels. */
  private Map<String, Double> scrape() throws IOException, InterruptedException {
    HttpResponse<String> response = get("/q/metrics");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type"))
        .get()
        .asString()
        .containsAnyOf("text/plain", "application/openmetrics-text");
    Map<String, Double> samples = new HashMap<>();
    response
        .body()
        .lines()
        .filter(line -> !line.isBlank() && !line.startsWith("#"))
        .forEach(
            line -> {
              int split = line.lastIndexOf(' ');
              samples.put(line.substring(0, split), Double.parseDouble(line.substring(split + 1)));
            });
    return samples;
  }

  private static double value(Map<String, Double> samples, String sample) {
    return samples.getOrDefault(sample, 0.0);
  }

  private NemotronDiffusionDeployment awaitStatus(NemotronDiffusionDeployment resource) {
    client.resource(resource).create();
    var resources =
        client
            .resources(NemotronDiffusionDeployment.class)
            .inNamespace(resource.getMetadata().getNamespace())
            .withName(resource.getMetadata().getName());
    await().atMost(Duration.ofSeconds(20)).until(() -> resources.get().getStatus() != null);
    return resources.get();
  }

  @Test
  void metricsCountTheReconcilesTheirDurationAndRejectionsOfThisTestsResources() throws Exception {
    Map<String, Double> before = scrape();

    awaitStatus(SampleFleets.chat8b("scraped", "metrics-ok"));
    awaitStatus(SampleFleets.invalidForStatusTests("refused", "metrics-bad"));

    Map<String, Double> after = scrape();
    String applied = "nemotron_operator_reconciles_total{outcome=\"applied\"}";
    String rejected = "nemotron_operator_reconciles_total{outcome=\"rejected\"}";
    String invalid = "nemotron_operator_spec_rejections_total{reason=\"InvalidSpec\"}";
    assertThat(value(after, applied)).isGreaterThanOrEqualTo(value(before, applied) + 1);
    assertThat(value(after, rejected)).isGreaterThanOrEqualTo(value(before, rejected) + 1);
    assertThat(value(after, invalid)).isGreaterThanOrEqualTo(value(before, invalid) + 1);

    String count = "nemotron_operator_reconcile_seconds_count";
    assertThat(value(after, count)).isGreaterThanOrEqualTo(value(before, count) + 2);
    assertThat(value(after, "nemotron_operator_reconcile_seconds_sum"))
        .isGreaterThan(value(before, "nemotron_operator_reconcile_seconds_sum"));
    assertThat(value(after, "nemotron_operator_reconcile_seconds_max"))
        .as("one reconcile against a local mock takes well under 10 s")
        .isPositive()
        .isLessThan(10);
    assertThat(after).containsKey("nemotron_operator_status_conflicts_total");

    // JOSDK's controller metrics, per controller
    String started = "reconciliations_started_total" + CONTROLLER;
    assertThat(value(after, started)).isGreaterThanOrEqualTo(value(before, started) + 2);
    assertThat(value(after, "custom_resources" + CONTROLLER)).isGreaterThanOrEqualTo(2);
  }

  @Test
  void livenessAnswersUpInJson() throws Exception {
    HttpResponse<String> live = get("/q/health/live");

    assertThat(live.statusCode()).isEqualTo(200);
    assertThat(live.headers().firstValue("content-type"))
        .get()
        .asString()
        .startsWith("application/json");
    assertThat(JSON.readTree(live.body()).path("status").asText()).isEqualTo("UP");
  }

  @Test
  void readinessAnswersUpInJsonWithTheControllerHealthy() throws Exception {
    HttpResponse<String> ready = get("/q/health/ready");

    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(ready.headers().firstValue("content-type"))
        .get()
        .asString()
        .startsWith("application/json");
    JsonNode body = JSON.readTree(ready.body());
    assertThat(body.path("status").asText()).isEqualTo("UP");
    assertThat(body.path("checks"))
        .anySatisfy(
            check -> {
              assertThat(check.path("status").asText()).isEqualTo("UP");
              assertThat(check.path("data").path("nemotrondiffusiondeployment").asText())
                  .isEqualTo("OK");
            });
  }
}
