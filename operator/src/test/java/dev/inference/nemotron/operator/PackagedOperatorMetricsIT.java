package dev.inference.nemotron.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReviewBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The packaged operator ({@code target/quarkus-app/quarkus-run.jar}, prod profile, as a separate
 * process) against the fabric8 Kubernetes mock API server in CRUD mode: its {@code /q/metrics}
 * carries JOSDK's controller metrics once it has reconciled. The in-process tests cannot show this:
 * there the extension's default metrics bean happened to be bound to the registry before JOSDK took
 * it, in the packaged application it was not, and JOSDK counted nothing.
 */
@QuarkusIntegrationTest
@WithKubernetesTestServer(crud = true, setup = PackagedOperatorMetricsIT.LeaseAccess.class)
@EnabledIfSystemProperty(named = "ndd.after-package", matches = "true")
class PackagedOperatorMetricsIT {

  /**
   * The prod profile elects a leader, which first asks the API server whether it may use the Lease;
   * the mock has no RBAC and no review endpoint: it answers that everything is allowed.
   */
  public static class LeaseAccess implements Consumer<KubernetesServer> {
    @Override
    public void accept(KubernetesServer server) {
      server
          .expect()
          .post()
          .withPath("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")
          .andReturn(
              201,
              new SelfSubjectRulesReviewBuilder()
                  .withNewStatus()
                  .addNewResourceRule()
                  .withApiGroups("*")
                  .withResources("*")
                  .withVerbs("*")
                  .endResourceRule()
                  .withIncomplete(false)
                  .endStatus()
                  .build())
          .always();
      server
          .expect()
          .post()
          .withPath("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews")
          .andReturn(
              201,
              new SelfSubjectAccessReviewBuilder()
                  .withNewStatus()
                  .withAllowed(true)
                  .endStatus()
                  .build())
          .always();
    }
  }

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** JOSDK's meters (MicrometerMetricsV2), as Prometheus names them. */
  private static final List<String> JOSDK_METERS =
      List.of(
          "reconciliations_started_total{controller_name=\"nemotrondiffusiondeployment\"}",
          "events_received_total{",
          "reconciliations_execution_duration_seconds_count{",
          "custom_resources{controller_name=\"nemotrondiffusiondeployment\"}");

  @KubernetesTestServer KubernetesServer server;

  @TestHTTPResource("/q/metrics")
  URI metrics;

  private String scrape() throws Exception {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(10)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    return response.body();
  }

  @Test
  void josdkControllerMetricsAreScrapedAfterAReconcile() {
    KubernetesClient client = server.getClient();
    client.resource(SampleFleets.chat8b("scraped", "packaged-metrics")).create();

    // reconciled: the operator's own counter moved, whatever the outcome against the mock
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(() -> assertThat(scrape()).contains("nemotron_operator_reconciles_total{"));
    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () -> {
              String body = scrape();
              for (String meter : JOSDK_METERS) {
                assertThat(body).as("JOSDK meter %s", meter).contains(meter);
              }
            });
  }
}
