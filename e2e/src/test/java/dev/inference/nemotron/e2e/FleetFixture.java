package dev.inference.nemotron.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The local fleet of an end-to-end test class: the stand-in Kubernetes API (fabric8 mock server in
 * CRUD mode), the real operator process and real {@code ndd serve} replicas of the bundled example
 * fleet {@value #NAMESPACE}/{@value #NAME} on a generated tiny checkpoint. Started once per class;
 * closing it stops everything and checks that no replica process and no operator is left.
 */
final class FleetFixture implements AutoCloseable {
  static final String NAMESPACE = "default";
  static final String NAME = "local-tiny";
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final LocalFleet fleet;

  private FleetFixture(LocalFleet fleet) {
    this.fleet = fleet;
  }

  /**
   * Starts a fleet working in {@code target/WORK}, the operator with {@code operatorProperties};
   * whatever started is stopped again when the start fails.
   */
  static FleetFixture start(String work, Map<String, String> operatorProperties) throws Exception {
    LocalFleet fleet =
        new LocalFleet(
            new LocalFleet.Options(
                null, 0, 0, Path.of("target", work).toAbsolutePath(), operatorProperties),
            Project.locate(),
            line -> System.out.println("[local fleet] " + line));
    FleetFixture fixture = new FleetFixture(fleet);
    try {
      fleet.start();
    } catch (Exception | Error e) {
      try {
        fixture.close();
      } catch (RuntimeException | Error stopping) {
        e.addSuppressed(stopping);
      }
      throw e;
    }
    return fixture;
  }

  /** A client of the stand-in API. */
  KubernetesClient client() {
    return fleet.client();
  }

  /** The stand-in API's URL. */
  String apiUrl() {
    return fleet.apiUrl();
  }

  /** Where the pods' roots, the logs and the generated checkpoint are. */
  Path work() {
    return fleet.work();
  }

  /** The operator's log file. */
  Path operatorLog() {
    return fleet.operatorLog();
  }

  /** The load balancer in front of the ready replicas, {@code http://127.0.0.1:PORT}. */
  String baseUrl() {
    return "http://127.0.0.1:" + fleet.port();
  }

  /** The example fleet's custom resource. */
  Resource<GenericKubernetesResource> fleetResource() {
    return client()
        .genericKubernetesResources(Kubelet.FLEETS)
        .inNamespace(NAMESPACE)
        .withName(NAME);
  }

  /** The Deployment the operator rendered for the fleet; null once gone. */
  Deployment deployment() {
    return client().apps().deployments().inNamespace(NAMESPACE).withName(NAME).get();
  }

  /** The fleet's replica processes. */
  List<Long> replicaPids() {
    return fleet.replicaPids(NAMESPACE, NAME);
  }

  /** The replica processes of every fleet. */
  List<Long> allReplicaPids() {
    return fleet.allReplicaPids();
  }

  /** The model the replicas serve, as {@code /v1/models} names it through the load balancer. */
  String servedModel() throws Exception {
    HttpResponse<String> models =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(baseUrl() + "/v1/models")).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(models.statusCode()).as(models.body()).isEqualTo(200);
    return JSON.readTree(models.body()).path("data").get(0).path("id").asText();
  }

  /** Prints the operator's last {@code lines} log lines: what a failed test needs to be read. */
  void printOperatorLogTail(int lines) {
    System.err.println("---- operator log (tail) ----\n" + fleet.operatorLogTail(lines));
  }

  /** Stops everything; fails when a replica process or the operator outlives it. */
  @Override
  public void close() {
    List<Long> pids = startedReplicaPids();
    fleet.close();
    assertThat(pids)
        .as("replica processes left after close")
        .noneMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
    assertThat(fleet.operatorAlive()).as("operator left after close").isFalse();
  }

  private List<Long> startedReplicaPids() {
    try {
      return fleet.allReplicaPids();
    } catch (NullPointerException e) {
      return List.of(); // the start failed before the stand-in kubelet ran: no replica started
    }
  }
}
