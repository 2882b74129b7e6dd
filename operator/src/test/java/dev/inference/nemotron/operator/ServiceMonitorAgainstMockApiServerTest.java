package dev.inference.nemotron.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.inference.nemotron.api.v1alpha1.NemotronDiffusionDeployment;
import dev.inference.nemotron.operator.desired.DesiredServiceMonitor;
import dev.inference.nemotron.operator.monitoring.ServiceMonitorApi;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The ServiceMonitor against the fabric8 Kubernetes mock API server in CRUD mode (no real API
 * server runs here). The mock answers ServiceMonitor requests whether or not the CRD exists, so "no
 * ServiceMonitor without the CRD" is the operator's decision, not the mock's refusal. The
 * Prometheus Operator CRD is installed only inside a test and removed after it; the operator learns
 * both from its watch of the CRD. The class has a test profile of its own, hence its own operator
 * and mock API server: no other test's fleets are reconciled while these count reconciles.
 */
@QuarkusTest
@TestProfile(ServiceMonitorAgainstMockApiServerTest.OwnOperator.class)
@WithKubernetesTestServer(crud = true)
class ServiceMonitorAgainstMockApiServerTest {

  /** No setting changes: only a distinct profile, so Quarkus starts a separate operator. */
  public static class OwnOperator implements QuarkusTestProfile {}

  @Inject KubernetesClient client;

  @Inject MeterRegistry registry;

  @Inject ServiceMonitorApi serviceMonitorApi;

  private static ConditionFactory eventually() {
    return await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100));
  }

  @BeforeEach
  @AfterEach
  void withoutThePrometheusOperator() {
    client
        .apiextensions()
        .v1()
        .customResourceDefinitions()
        .withName(DesiredServiceMonitor.CRD_NAME)
        .delete();
    eventually().until(() -> prometheusOperatorCrd().get() == null);
    // the watch's cache answers; a test must not see the last one's CRD
    eventually().until(() -> !serviceMonitorApi.served());
  }

  private io.fabric8.kubernetes.client.dsl.Resource<CustomResourceDefinition>
      prometheusOperatorCrd() {
    return client
        .apiextensions()
        .v1()
        .customResourceDefinitions()
        .withName(DesiredServiceMonitor.CRD_NAME);
  }

  /** The Prometheus Operator's CRD as its chart installs it (schema reduced to "any object"). */
  private void installPrometheusOperatorCrd() {
    client
        .resource(
            new CustomResourceDefinitionBuilder()
                .withNewMetadata()
                .withName(DesiredServiceMonitor.CRD_NAME)
                .endMetadata()
                .withNewSpec()
                .withGroup("monitoring.coreos.com")
                .withScope("Namespaced")
                .withNewNames()
                .withKind("ServiceMonitor")
                .withListKind("ServiceMonitorList")
                .withPlural("servicemonitors")
                .withSingular("servicemonitor")
                .withCategories("prometheus-operator")
                .endNames()
                .addNewVersion()
                .withName("v1")
                .withServed(true)
                .withStorage(true)
                .withNewSchema()
                .withNewOpenAPIV3Schema()
                .withType("object")
                .withXKubernetesPreserveUnknownFields(true)
                .endOpenAPIV3Schema()
                .endSchema()
                .endVersion()
                .endSpec()
                .build())
        .create();
  }

  private List<GenericKubernetesResource> serviceMonitors(String namespace) {
    try {
      return client
          .genericKubernetesResources(DesiredServiceMonitor.CONTEXT)
          .inNamespace(namespace)
          .list()
          .getItems();
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        return List.of();
      }
      throw e;
    }
  }

  private NemotronDiffusionDeployment fetch(String namespace, String name) {
    return client
        .resources(NemotronDiffusionDeployment.class)
        .inNamespace(namespace)
        .withName(name)
        .get();
  }

  private Optional<Condition> ready(String namespace, String name) {
    var status = fetch(namespace, name).getStatus();
    if (status == null || status.getConditions() == null) {
      return Optional.empty();
    }
    return status.getConditions().stream().filter(c -> "Ready".equals(c.getType())).findFirst();
  }

  /** Plays the Deployment controller the mock lacks: every replica is up and ready. */
  private void markAllReplicasReady(String namespace, String name) {
    eventually()
        .until(
            () -> client.apps().deployments().inNamespace(namespace).withName(name).get() != null);
    Deployment deployment = client.apps().deployments().inNamespace(namespace).withName(name).get();
    int replicas = deployment.getSpec().getReplicas();
    deployment.setStatus(
        new DeploymentStatusBuilder()
            .withReplicas(replicas)
            .withUpdatedReplicas(replicas)
            .withReadyReplicas(replicas)
            .withAvailableReplicas(replicas)
            .withObservedGeneration(deployment.getMetadata().getGeneration())
            .build());
    client.resource(deployment).updateStatus();
  }

  @Test
  void withoutThePrometheusOperatorCrdNoServiceMonitorIsWrittenAndTheFleetBecomesReady() {
    String ns = "no-prometheus";
    client.resource(SampleFleets.chat8b("chat-8b", ns)).create();

    markAllReplicasReady(ns, "chat-8b");

    eventually()
        .untilAsserted(
            () ->
                assertThat(ready(ns, "chat-8b"))
                    .get()
                    .extracting(Condition::getStatus, Condition::getReason)
                    .containsExactly("True", "ReplicasReady"));
    assertThat(client.services().inNamespace(ns).withName("chat-8b").get()).isNotNull();
    assertThat(serviceMonitors(ns)).isEmpty();
  }

  /** Reconciliations of every fleet so far, as the operator counts them. */
  private double reconciles() {
    return registry.find("nemotron.operator.reconciles").counters().stream()
        .mapToDouble(Counter::count)
        .sum();
  }

  /** Waits until no reconcile has happened for {@code quiet}; the count it settled at. */
  private double settledReconciles(Duration quiet) {
    AtomicReference<Double> last = new AtomicReference<>(reconciles());
    AtomicLong changedAt = new AtomicLong(System.nanoTime());
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              double now = reconciles();
              if (now != last.get()) {
                last.set(now);
                changedAt.set(System.nanoTime());
              }
              return System.nanoTime() - changedAt.get() >= quiet.toNanos();
            });
    return last.get();
  }

  @Test
  void withoutThePrometheusOperatorCrdAReadyFleetIsNotReconciledAgainUntilTheCrdAppears() {
    String ns = "prometheus-quiet";
    client.resource(SampleFleets.chat8b("chat-8b", ns)).create();
    markAllReplicasReady(ns, "chat-8b");
    eventually()
        .until(() -> ready(ns, "chat-8b").map(c -> "True".equals(c.getStatus())).orElse(false));

    // nothing reschedules the fleet to look for the CRD: the count settles (a periodic look would
    // keep it moving) and stays while nothing changes
    double settled = settledReconciles(Duration.ofSeconds(3));
    assertThat(settled).isPositive();
    assertThat(serviceMonitors(ns)).isEmpty();

    installPrometheusOperatorCrd();

    // the watch sees the CRD and reconciles the fleet, which gets its ServiceMonitor
    eventually().until(() -> serviceMonitors(ns).size() == 1);
    assertThat(reconciles()).isGreaterThan(settled);
    assertThat(serviceMonitorApi.served()).isTrue();
  }

  @Test
  void installingThePrometheusOperatorCrdGivesARunningFleetAnOwnedServiceMonitorOnItsService() {
    String ns = "prometheus-later";
    NemotronDiffusionDeployment created =
        client.resource(SampleFleets.chat8b("chat-8b", ns)).create();
    markAllReplicasReady(ns, "chat-8b");
    eventually()
        .until(() -> ready(ns, "chat-8b").map(c -> "True".equals(c.getStatus())).orElse(false));
    assertThat(serviceMonitors(ns)).isEmpty();

    installPrometheusOperatorCrd();

    eventually().until(() -> serviceMonitors(ns).size() == 1);
    GenericKubernetesResource monitor = serviceMonitors(ns).getFirst();
    Service service = client.services().inNamespace(ns).withName("chat-8b").get();
    assertThat(monitor.getMetadata().getName()).isEqualTo("chat-8b");
    assertThat(monitor.getMetadata().getOwnerReferences())
        .extracting(OwnerReference::getUid, OwnerReference::getKind)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                created.getMetadata().getUid(), "NemotronDiffusionDeployment"));
    assertThat(monitor.<Map<String, String>>get("spec", "selector", "matchLabels"))
        .isEqualTo(service.getMetadata().getLabels());
    assertThat(monitor.<String>get("spec", "endpoints", 0, "port"))
        .isEqualTo(service.getSpec().getPorts().getFirst().getName());
    assertThat(monitor.<String>get("spec", "endpoints", 0, "path")).isEqualTo("/metrics");
  }

  @Test
  void aServiceMonitorEditedByHandIsRestoredKeepingLabelsOthersAdded() {
    String ns = "prometheus-drift";
    installPrometheusOperatorCrd();
    client.resource(SampleFleets.chat8b("chat-8b", ns)).create();
    eventually().until(() -> serviceMonitors(ns).size() == 1);
    var monitor =
        client
            .genericKubernetesResources(DesiredServiceMonitor.CONTEXT)
            .inNamespace(ns)
            .withName("chat-8b");
    monitor.edit(
        m -> {
          m.getMetadata().getLabels().put("team", "observability");
          m.setAdditionalProperty(
              "spec",
              Map.of(
                  "selector",
                  Map.of("matchLabels", Map.of("app", "other")),
                  "endpoints",
                  List.of(Map.of("port", "http", "path", "/wrong"))));
          return m;
        });

    // any event of a child reconciles the fleet: here the pods become ready
    markAllReplicasReady(ns, "chat-8b");

    eventually()
        .untilAsserted(
            () -> {
              GenericKubernetesResource restored = monitor.get();
              assertThat(restored.<String>get("spec", "endpoints", 0, "path"))
                  .isEqualTo("/metrics");
              assertThat(restored.<Map<String, String>>get("spec", "selector", "matchLabels"))
                  .containsEntry("app.kubernetes.io/instance", "chat-8b");
              assertThat(restored.getMetadata().getLabels())
                  .containsEntry("team", "observability")
                  .containsEntry("app.kubernetes.io/managed-by", "nemotron-operator");
            });
  }
}
