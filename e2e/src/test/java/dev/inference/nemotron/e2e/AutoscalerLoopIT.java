package dev.inference.nemotron.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The autoscaler's loop closing on real processes: the local fleet (stand-in API = fabric8 mock
 * server in CRUD mode, the real operator process, real {@code ndd serve} replicas on a generated
 * tiny checkpoint) under load from real HTTP clients. The operator scrapes the replicas' {@code
 * /metrics/snapshot} every second ({@code nemotron.autoscaler.interval=1s}) and the resource's
 * {@code scaling.behavior} shortens the scale-down window to 8 s: time is compressed by
 * configuration, not by sleeping minutes. Load rises → the decision moves up and a second process
 * starts; load stops → after the stable window the decision moves back down and it stops. Every
 * decision's reason is printed from the operator's log.
 */
class AutoscalerLoopIT {

  private static final ObjectMapper JSON = FleetFixture.JSON;
  private static final String NAMESPACE = FleetFixture.NAMESPACE;
  private static final String NAME = FleetFixture.NAME;
  private static final HttpClient HTTP = FleetFixture.HTTP;
  private static final int CLIENTS = 12;

  private static FleetFixture fleet;

  @BeforeAll
  static void startFleet() throws Exception {
    fleet =
        FleetFixture.start(
            "autoscaler-loop-it",
            Map.of(
                "nemotron.autoscaler.interval",
                "1s",
                "quarkus.log.category.\"dev.inference.nemotron.operator.autoscale\".level",
                "DEBUG"));
  }

  @AfterAll
  static void stopFleet() {
    if (fleet != null) {
      fleet.close();
    }
  }

  private static ConditionFactory eventually(Duration atMost) {
    return await().atMost(atMost).pollInterval(Duration.ofMillis(250)).ignoreExceptions();
  }

  private static int replicas() {
    return fleet.deployment().getSpec().getReplicas();
  }

  private static List<Event> events(String reason) {
    return fleet.client().v1().events().inNamespace(NAMESPACE).list().getItems().stream()
        .filter(e -> reason.equals(e.getReason()))
        .sorted(Comparator.comparing(Event::getLastTimestamp))
        .toList();
  }

  /** Clients that send completions through the load balancer until stopped. */
  private static List<Thread> load(AtomicBoolean running, AtomicInteger answered, String model) {
    List<Thread> clients = new ArrayList<>();
    String base = fleet.baseUrl();
    for (int i = 0; i < CLIENTS; i++) {
      int seed = i;
      clients.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    while (running.get()) {
                      try {
                        HttpResponse<String> r =
                            HTTP.send(
                                HttpRequest.newBuilder(URI.create(base + "/v1/completions"))
                                    .timeout(Duration.ofMinutes(1))
                                    .header("Content-Type", "application/json")
                                    .POST(
                                        HttpRequest.BodyPublishers.ofString(
                                            JSON.writeValueAsString(
                                                Map.of(
                                                    "model",
                                                    model,
                                                    "prompt",
                                                    "Hello number " + seed,
                                                    "max_tokens",
                                                    24,
                                                    "seed",
                                                    seed))))
                                    .build(),
                                HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() == 200) {
                          answered.incrementAndGet();
                        } else {
                          Thread.sleep(100); // 429 while the queue is full, or 503 draining
                        }
                      } catch (InterruptedException e) {
                        return;
                      } catch (Exception e) {
                        // a replica stopping under the balancer: try again
                      }
                    }
                  }));
    }
    return clients;
  }

  @Test
  void decisionMovesUpUnderLoadAndBackDownAfterTheStableWindow() throws Exception {
    AtomicBoolean running = new AtomicBoolean(true);
    List<Thread> clients = List.of();
    try {
      eventually(Duration.ofMinutes(2))
          .untilAsserted(
              () -> assertThat(fleet.deployment().getStatus().getReadyReplicas()).isEqualTo(1));
      // compress the law's time: scale down 8 s after the last higher recommendation, no cooldown
      fleet
          .fleetResource()
          .edit(
              r -> {
                @SuppressWarnings("unchecked")
                Map<String, Object> scaling =
                    (Map<String, Object>)
                        ((Map<String, Object>) r.getAdditionalProperties().get("spec"))
                            .get("scaling");
                scaling.put("maxReplicas", 2);
                scaling.put(
                    "behavior", Map.of("stabilizationSeconds", 8, "scaleDownCooldownSeconds", 0));
                return r;
              });
      String model = fleet.servedModel();

      // load rises: more clients than the replica's sequences, so requests queue
      AtomicInteger answered = new AtomicInteger();
      clients = load(running, answered, model);
      eventually(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(replicas()).isEqualTo(2));
      // the Event follows the scale
      eventually(Duration.ofSeconds(10))
          .untilAsserted(
              () ->
                  assertThat(events("ScaledUp"))
                      .extracting(Event::getMessage)
                      .anySatisfy(
                          m -> assertThat(m).startsWith("scale up from 1 to 2 replicas: demand ")));
      // the load goes on until the second replica serves and is scraped too
      eventually(Duration.ofSeconds(60))
          .untilAsserted(
              () -> {
                assertThat(fleet.replicaPids()).hasSize(2);
                assertThat(fleet.deployment().getStatus().getReadyReplicas()).isEqualTo(2);
              });
      GenericKubernetesResource resource = fleet.fleetResource().get();
      Object tpf = resource.get("status", "observed", "tokensPerForwardMixed");
      assertThat(tpf).as("TPF measured from the replicas").isInstanceOf(Number.class);
      assertThat(((Number) tpf).doubleValue()).isPositive();

      // load stops: after the 8 s window the decision comes back down, one process stops
      running.set(false);
      for (Thread t : clients) {
        t.join(Duration.ofMinutes(1));
      }
      assertThat(answered.get()).as("completions answered under load").isPositive();
      eventually(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(replicas()).isEqualTo(1));
      // the Event follows the scale
      eventually(Duration.ofSeconds(10))
          .untilAsserted(
              () ->
                  assertThat(events("ScaledDown"))
                      .extracting(Event::getMessage)
                      .anySatisfy(
                          m ->
                              assertThat(m)
                                  .startsWith("scale down from 2 to 1 replicas: demand ")));
      eventually(Duration.ofSeconds(60))
          .untilAsserted(() -> assertThat(fleet.replicaPids()).hasSize(1));
    } catch (AssertionError | Exception e) {
      fleet.printOperatorLogTail(80);
      throw e;
    } finally {
      running.set(false);
      clients.forEach(Thread::interrupt);
      printDecisions();
    }
  }

  /** Every decision the operator took, with its reason (its log at DEBUG for the autoscaler). */
  private static void printDecisions() throws Exception {
    System.out.println("---- autoscaler decisions ----");
    for (String line : Files.readAllLines(fleet.operatorLog())) {
      int at = line.indexOf("autoscaler: ");
      if (at >= 0 && line.contains(NAMESPACE + "/" + NAME + ": ")) {
        System.out.println(
            line.substring(0, Math.min(23, line.length())) + " " + line.substring(at));
      }
    }
    for (Event e : fleet.client().v1().events().inNamespace(NAMESPACE).list().getItems()) {
      if (e.getReason().startsWith("Scaled")) {
        System.out.println("event " + e.getReason() + ": " + e.getMessage());
      }
    }
  }
}
