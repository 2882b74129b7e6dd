package dev.inference.nemotron.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The local fleet end to end, on the stand-in Kubernetes API (fabric8 mock server in CRUD mode; no
 * real API server runs here): the bundled example fleet on a generated tiny checkpoint, the real
 * operator as a child process, real {@code ndd serve} processes for the replicas. A completion
 * answered through the load balancer; the Deployment scaled 1 → 2 → 1 through its /scale
 * subresource starts and stops processes; deleting the resource stops them all.
 */
class LocalFleetIT {

  private static final ObjectMapper JSON = FleetFixture.JSON;
  private static final String NAMESPACE = FleetFixture.NAMESPACE;
  private static final String NAME = FleetFixture.NAME;

  private static FleetFixture fleet;

  @BeforeAll
  static void startFleet() throws Exception {
    fleet = FleetFixture.start("local-fleet-it", Map.of());
  }

  @AfterAll
  static void stopFleet() {
    if (fleet != null) {
      fleet.close();
    }
  }

  private static ConditionFactory eventually() {
    return await()
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofMillis(500))
        .ignoreExceptions();
  }

  private static int fleetReady() {
    Object ready = fleet.fleetResource().get().get("status", "readyReplicas");
    return ready == null ? 0 : ((Number) ready).intValue();
  }

  private static HttpResponse<String> send(HttpRequest request) throws Exception {
    return FleetFixture.HTTP.send(request, HttpResponse.BodyHandlers.ofString());
  }

  /** {@code fleet.replicas} of every runtime.yaml mounted in a pod of the fleet. */
  private static List<Integer> mountedReplicaCounts() throws Exception {
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    List<Integer> counts = new ArrayList<>();
    try (Stream<Path> files = Files.walk(fleet.work().resolve("pods").resolve(NAMESPACE))) {
      for (Path file :
          files.filter(f -> f.getFileName().toString().equals("runtime.yaml")).toList()) {
        counts.add(yaml.readTree(file.toFile()).path("fleet").path("replicas").asInt(-1));
      }
    }
    return counts;
  }

  private static void scale(int replicas) throws Exception {
    HttpResponse<String> response =
        send(
            HttpRequest.newBuilder(
                    URI.create(
                        fleet.apiUrl()
                            + "/apis/apps/v1/namespaces/"
                            + NAMESPACE
                            + "/deployments/"
                            + NAME
                            + "/scale"))
                .header("Content-Type", "application/json")
                .PUT(
                    HttpRequest.BodyPublishers.ofString(
                        JSON.writeValueAsString(
                            Map.of(
                                "apiVersion",
                                "autoscaling/v1",
                                "kind",
                                "Scale",
                                "metadata",
                                Map.of("name", NAME, "namespace", NAMESPACE),
                                "spec",
                                Map.of("replicas", replicas)))))
                .build());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(JSON.readTree(response.body()).path("spec").path("replicas").asInt())
        .isEqualTo(replicas);
  }

  @Test
  void servesScalesAndStopsWithTheFleet() throws Exception {
    try {
      // the operator renders the Deployment; the kubelet stand-in runs it; the status follows
      eventually().untilAsserted(() -> assertThat(fleetReady()).isEqualTo(1));
      assertThat(fleet.replicaPids()).hasSize(1);

      // a real completion through the load balancer
      String base = fleet.baseUrl();
      String model = fleet.servedModel();
      HttpResponse<String> completion =
          send(
              HttpRequest.newBuilder(URI.create(base + "/v1/completions"))
                  .timeout(Duration.ofMinutes(2))
                  .header("Content-Type", "application/json")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          JSON.writeValueAsString(
                              Map.of("model", model, "prompt", "Hello", "max_tokens", 8))))
                  .build());
      assertThat(completion.statusCode()).as(completion.body()).isEqualTo(200);
      JsonNode usage = JSON.readTree(completion.body()).path("usage");
      assertThat(usage.path("completion_tokens").asInt()).isPositive();
      assertThat(usage.path("total_tokens").asInt()).isPositive();

      // a streamed one passes through as server-sent events
      HttpResponse<String> streamed =
          send(
              HttpRequest.newBuilder(URI.create(base + "/v1/completions"))
                  .timeout(Duration.ofMinutes(2))
                  .header("Content-Type", "application/json")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          JSON.writeValueAsString(
                              Map.of(
                                  "model",
                                  model,
                                  "prompt",
                                  "Hello",
                                  "max_tokens",
                                  4,
                                  "stream",
                                  true))))
                  .build());
      assertThat(streamed.statusCode()).as(streamed.body()).isEqualTo(200);
      assertThat(streamed.body()).startsWith("data: ").contains("data: [DONE]");

      // 1 → 2 through the Deployment's /scale: a second process, two ready replicas
      scale(2);
      eventually()
          .untilAsserted(
              () -> {
                assertThat(fleet.replicaPids()).hasSize(2);
                assertThat(fleet.deployment().getStatus().getReadyReplicas()).isEqualTo(2);
                assertThat(fleetReady()).isEqualTo(2);
              });
      // the scale rewrote the ConfigMap's replica count (tenant shares depend on it), and the
      // stand-in kubelet brought it into the running first replica's mounted file too
      eventually()
          .untilAsserted(() -> assertThat(mountedReplicaCounts()).hasSize(2).containsOnly(2));

      // 2 → 1: one process stops
      scale(1);
      eventually()
          .untilAsserted(
              () -> {
                assertThat(fleet.allReplicaPids()).hasSize(1);
                assertThat(fleet.deployment().getStatus().getReadyReplicas()).isEqualTo(1);
              });

      // the resource deleted: its Deployment goes (the stand-in garbage collector), so do the
      // processes
      fleet.fleetResource().delete();
      eventually()
          .untilAsserted(
              () -> {
                assertThat(fleet.allReplicaPids()).isEmpty();
                assertThat(fleet.deployment()).isNull();
              });
    } catch (AssertionError | Exception e) {
      fleet.printOperatorLogTail(60);
      throw e;
    }
  }
}
