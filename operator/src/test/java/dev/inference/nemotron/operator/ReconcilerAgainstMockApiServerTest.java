package dev.inference.nemotron.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.inference.nemotron.api.v1alpha1.GpuClass;
import dev.inference.nemotron.api.v1alpha1.ModeMix;
import dev.inference.nemotron.api.v1alpha1.ModelSize;
import dev.inference.nemotron.api.v1alpha1.ModesSpec;
import dev.inference.nemotron.api.v1alpha1.NemotronDiffusionDeployment;
import dev.inference.nemotron.api.v1alpha1.ScalingActuator;
import dev.inference.nemotron.api.v1alpha1.ScalingSpec;
import dev.inference.nemotron.operator.desired.DesiredDeployment;
import dev.inference.nemotron.operator.desired.InferencePodTemplate;
import dev.inference.nemotron.operator.status.StatusWriter;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.Test;

/**
 * The reconciler end to end against the fabric8 Kubernetes mock API server in CRUD mode (no real
 * API server runs here): the operator runs as in production, watching the mock. The mock has no
 * controllers: Deployments never get pods and owner references are not garbage-collected, so the
 * tests check the objects and their owner references, not pods.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class ReconcilerAgainstMockApiServerTest {

  private static final AtomicInteger NAMESPACES = new AtomicInteger();

  @Inject KubernetesClient client;

  @Inject StatusWriter statusWriter;

  @Inject MeterRegistry meters;

  @KubernetesTestServer KubernetesServer mockServer;

  private double statusConflicts() {
    return meters.get("nemotron.operator.status.conflicts").counter().count();
  }

  private static ConditionFactory eventually() {
    return await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100));
  }

  private static String freshNamespace() {
    return "team-" + NAMESPACES.incrementAndGet();
  }

  private NemotronDiffusionDeployment create(NemotronDiffusionDeployment resource) {
    return client.resource(resource).create();
  }

  /** Edits the spec as a user would, retrying when it races the operator's status write. */
  private void edit(String namespace, String name, Consumer<NemotronDiffusionDeployment> change) {
    eventually()
        .ignoreExceptionsMatching(
            e -> e instanceof KubernetesClientException k && k.getCode() == 409)
        .until(
            () -> {
              client
                  .resources(NemotronDiffusionDeployment.class)
                  .inNamespace(namespace)
                  .withName(name)
                  .edit(
                      r -> {
                        change.accept(r);
                        r.getMetadata()
                            .setGeneration(
                                Optional.ofNullable(r.getMetadata().getGeneration()).orElse(1L)
                                    + 1);
                        return r;
                      });
              return true;
            });
  }

  private NemotronDiffusionDeployment fetch(String namespace, String name) {
    return client
        .resources(NemotronDiffusionDeployment.class)
        .inNamespace(namespace)
        .withName(name)
        .get();
  }

  private Deployment deployment(String namespace, String name) {
    return client.apps().deployments().inNamespace(namespace).withName(name).get();
  }

  private Optional<Condition> condition(String namespace, String name, String type) {
    NemotronDiffusionDeployment resource = fetch(namespace, name);
    if (resource.getStatus() == null || resource.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    return resource.getStatus().getConditions().stream()
        .filter(c -> type.equals(c.getType()))
        .findFirst();
  }

  private List<Event> events(String namespace, String reason) {
    return client.v1().events().inNamespace(namespace).list().getItems().stream()
        .filter(e -> reason.equals(e.getReason()))
        .toList();
  }

  private static void assertOwnedBy(HasMetadata child, NemotronDiffusionDeployment owner) {
    assertThat(child.getMetadata().getOwnerReferences())
        .as("owner references of %s %s", child.getKind(), child.getMetadata().getName())
        .extracting(OwnerReference::getUid, OwnerReference::getKind)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                owner.getMetadata().getUid(), "NemotronDiffusionDeployment"));
  }

  private PodTemplateSpec awaitTemplate(String namespace, String name) {
    eventually().until(() -> deployment(namespace, name) != null);
    return deployment(namespace, name).getSpec().getTemplate();
  }

  @Test
  void createsEveryChildWithAnOwnerReferenceAndReportsStatus() {
    String ns = freshNamespace();
    NemotronDiffusionDeployment created = create(SampleFleets.chat8b("chat-8b", ns));

    eventually()
        .untilAsserted(
            () -> {
              assertOwnedBy(
                  client.serviceAccounts().inNamespace(ns).withName("chat-8b").get(), created);
              assertOwnedBy(
                  client.configMaps().inNamespace(ns).withName("chat-8b-runtime").get(), created);
              assertOwnedBy(
                  client.persistentVolumeClaims().inNamespace(ns).withName("chat-8b-weights").get(),
                  created);
              assertOwnedBy(deployment(ns, "chat-8b"), created);
              assertOwnedBy(client.services().inNamespace(ns).withName("chat-8b").get(), created);
              assertOwnedBy(
                  client
                      .policy()
                      .v1()
                      .podDisruptionBudget()
                      .inNamespace(ns)
                      .withName("chat-8b")
                      .get(),
                  created);
              assertOwnedBy(
                  client.network().v1().networkPolicies().inNamespace(ns).withName("chat-8b").get(),
                  created);
              List<Job> jobs = client.batch().v1().jobs().inNamespace(ns).list().getItems();
              assertThat(jobs).hasSize(1);
              assertOwnedBy(jobs.getFirst(), created);
            });

    eventually()
        .untilAsserted(
            () -> {
              var status = fetch(ns, "chat-8b").getStatus();
              assertThat(status).isNotNull();
              assertThat(status.getObservedGeneration())
                  .isEqualTo(fetch(ns, "chat-8b").getMetadata().getGeneration());
              assertThat(status.getEndpoint()).isEqualTo("http://chat-8b." + ns + ".svc:8080/v1");
              assertThat(status.getSelector()).contains("app.kubernetes.io/instance=chat-8b");
              assertThat(status.getSizing().getFits()).isTrue();
              assertThat(condition(ns, "chat-8b", "Ready"))
                  .get()
                  .extracting(Condition::getStatus, Condition::getReason)
                  .containsExactly("False", "ReplicasNotReady");
              assertThat(condition(ns, "chat-8b", "ModelCached"))
                  .get()
                  .extracting(Condition::getReason)
                  .isEqualTo("Downloading");
            });
    assertThat(deployment(ns, "chat-8b").getSpec().getReplicas()).isEqualTo(1);
  }

  @Test
  void replicaChangeScalesWithoutTouchingThePodTemplate() {
    String ns = freshNamespace();
    NemotronDiffusionDeployment resource = SampleFleets.chat8b("scaled", ns);
    ScalingSpec scaling = new ScalingSpec();
    scaling.setMinReplicas(1);
    scaling.setMaxReplicas(4);
    scaling.setActuator(ScalingActuator.EXTERNAL);
    resource.getSpec().setScaling(scaling);
    resource.getSpec().setReplicas(1);
    create(resource);
    PodTemplateSpec before = awaitTemplate(ns, "scaled");

    edit(ns, "scaled", r -> r.getSpec().setReplicas(3));

    eventually().until(() -> deployment(ns, "scaled").getSpec().getReplicas() == 3);
    assertThat(deployment(ns, "scaled").getSpec().getTemplate()).isEqualTo(before);
    eventually().until(() -> !events(ns, "Scaling").isEmpty());
  }

  @Test
  void replicasBeyondMaxAreClampedToMax() {
    String ns = freshNamespace();
    NemotronDiffusionDeployment resource = SampleFleets.chat8b("clamped", ns);
    ScalingSpec scaling = new ScalingSpec();
    scaling.setMinReplicas(2);
    scaling.setMaxReplicas(3);
    scaling.setActuator(ScalingActuator.EXTERNAL);
    resource.getSpec().setScaling(scaling);
    resource.getSpec().setReplicas(10);
    create(resource);

    eventually()
        .until(
            () ->
                deployment(ns, "clamped") != null
                    && deployment(ns, "clamped").getSpec().getReplicas() == 3);
  }

  @Test
  void modelChangeRollsThePodTemplate() {
    String ns = freshNamespace();
    create(SampleFleets.chat8b("rolled", ns));
    PodTemplateSpec before = awaitTemplate(ns, "rolled");

    edit(ns, "rolled", r -> r.getSpec().getModel().setSize(ModelSize.SIZE_3B));

    eventually()
        .untilAsserted(
            () -> {
              PodTemplateSpec after = deployment(ns, "rolled").getSpec().getTemplate();
              assertThat(after).isNotEqualTo(before);
              assertThat(configHash(after)).isNotEqualTo(configHash(before));
            });
    assertThat(client.configMaps().inNamespace(ns).withName("rolled-runtime").get().getData())
        .extractingByKey("runtime.yaml")
        .asString()
        .contains("size: 3B");
    eventually().until(() -> !events(ns, "RollingPods").isEmpty());
  }

  @Test
  void addingATenantRewritesTheConfigMapAndRollsThePodsToMountItsKey() {
    String ns = freshNamespace();
    create(SampleFleets.chat8b("tenants", ns));
    PodTemplateSpec before = awaitTemplate(ns, "tenants");

    edit(ns, "tenants", r -> r.getSpec().setTenants(List.of(SampleFleets.tenant("search"))));

    eventually()
        .untilAsserted(
            () -> {
              ConfigMap config =
                  client.configMaps().inNamespace(ns).withName("tenants-runtime").get();
              assertThat(config.getData().get("runtime.yaml"))
                  .contains("name: search")
                  .contains("apiKeyFile: /var/run/secrets/nemotron/tenants/search")
                  .doesNotContain("search-key");
              PodTemplateSpec after = deployment(ns, "tenants").getSpec().getTemplate();
              assertThat(configHash(after)).isNotEqualTo(configHash(before));
              assertThat(after.getSpec().getVolumes())
                  .as("the new tenant's key, projected from its Secret")
                  .filteredOn(v -> v.getProjected() != null)
                  .singleElement()
                  .satisfies(
                      v ->
                          assertThat(v.getProjected().getSources().getFirst().getSecret().getName())
                              .isEqualTo("search-key"));
              assertThat(after.getSpec().getContainers().getFirst().getEnv())
                  .as("keys never travel in environment variables")
                  .isNullOrEmpty();
            });
    eventually().until(() -> !events(ns, "RollingPods").isEmpty());
  }

  @Test
  void modeMixChangeRewritesTheConfigMapAndLeavesThePodTemplateAlone() {
    String ns = freshNamespace();
    create(SampleFleets.chat8b("mixed", ns));
    PodTemplateSpec before = awaitTemplate(ns, "mixed");

    edit(
        ns,
        "mixed",
        r -> {
          ModesSpec modes = new ModesSpec();
          modes.setMix(new ModeMix(20, 30, 50));
          r.getSpec().setModes(modes);
        });

    eventually()
        .untilAsserted(
            () -> {
              assertThat(client.configMaps().inNamespace(ns).withName("mixed-runtime").get())
                  .extracting(c -> c.getData().get("runtime.yaml"))
                  .asString()
                  .contains("autoregressive: 20", "diffusion: 30", "selfSpeculation: 50");
              // the Deployment was applied from the new spec, and its pod template kept
              assertThat(appliedSpec(deployment(ns, "mixed"))).contains("\"autoregressive\":20");
            });
    PodTemplateSpec after = deployment(ns, "mixed").getSpec().getTemplate();
    assertThat(configHash(after)).isEqualTo(configHash(before));
    assertThat(after).isEqualTo(before);
    eventually()
        .untilAsserted(
            () ->
                assertThat(events(ns, "ReloadingConfiguration"))
                    .isNotEmpty()
                    .extracting(Event::getMessage)
                    .containsOnly(
                        "changed modes: the ConfigMap is rewritten and the runtime reloads it; no"
                            + " pod restarts"));
    assertThat(events(ns, "RollingPods")).isEmpty();
  }

  @Test
  void tenantLimitChangeRewritesTheConfigMapAndLeavesThePodTemplateAlone() {
    String ns = freshNamespace();
    NemotronDiffusionDeployment resource = SampleFleets.chat8b("limits", ns);
    resource.getSpec().setTenants(List.of(SampleFleets.tenant("search")));
    create(resource);
    PodTemplateSpec before = awaitTemplate(ns, "limits");

    edit(ns, "limits", r -> r.getSpec().getTenants().getFirst().setWeight(7));

    eventually()
        .untilAsserted(
            () -> {
              assertThat(client.configMaps().inNamespace(ns).withName("limits-runtime").get())
                  .extracting(c -> c.getData().get("runtime.yaml"))
                  .asString()
                  .contains("weight: 7");
              assertThat(appliedSpec(deployment(ns, "limits"))).contains("\"weight\":7");
            });
    assertThat(deployment(ns, "limits").getSpec().getTemplate()).isEqualTo(before);
    eventually().until(() -> !events(ns, "ReloadingConfiguration").isEmpty());
    assertThat(events(ns, "RollingPods")).isEmpty();
  }

  @Test
  void invalidSpecBecomesReadyFalseWithAnEventAndNoDeployment() {
    String ns = freshNamespace();
    NemotronDiffusionDeployment resource = SampleFleets.chat8b("bad-mix", ns);
    ModesSpec modes = new ModesSpec();
    modes.setMix(new ModeMix(20, 30, 40));
    resource.getSpec().setModes(modes);
    create(resource);

    eventually()
        .untilAsserted(
            () ->
                assertThat(condition(ns, "bad-mix", "Ready"))
                    .get()
                    .satisfies(
                        c -> {
                          assertThat(c.getStatus()).isEqualTo("False");
                          assertThat(c.getReason()).isEqualTo("InvalidSpec");
                          assertThat(c.getMessage())
                              .contains(
                                  "spec.modes.mix shares must be non-negative and sum to 100, got 90");
                        }));
    eventually().until(() -> !events(ns, "InvalidSpec").isEmpty());
    assertThat(deployment(ns, "bad-mix")).isNull();
    assertThat(client.configMaps().inNamespace(ns).withName("bad-mix-runtime").get()).isNull();
  }

  private double failedReconciles() {
    var counter = meters.find("nemotron.operator.reconciles").tag("outcome", "failed").counter();
    return counter == null ? 0 : counter.count();
  }

  /**
   * A child the API server refuses to create: a ConfigMap of the child's name that the operator
   * does not manage already exists (its informer ignores it), so the create gets 409 AlreadyExists,
   * as on a real API server.
   */
  @Test
  void childTheApiServerRefusesBecomesDegradedWithOneWarningEventAcrossRetries() {
    String ns = freshNamespace();
    client
        .configMaps()
        .inNamespace(ns)
        .resource(
            new io.fabric8.kubernetes.api.model.ConfigMapBuilder()
                .withNewMetadata()
                .withName("taken-runtime")
                .withNamespace(ns)
                .endMetadata()
                .addToData("owner", "someone else")
                .build())
        .create();
    double failedBefore = failedReconciles();
    create(SampleFleets.chat8b("taken", ns));

    eventually()
        .untilAsserted(
            () ->
                assertThat(condition(ns, "taken", "Degraded"))
                    .get()
                    .satisfies(
                        c -> {
                          assertThat(c.getStatus()).isEqualTo("True");
                          assertThat(c.getReason()).isEqualTo("ReconcileError");
                          assertThat(c.getMessage())
                              .startsWith("runtime-config: HTTP 409: ")
                              .contains("taken-runtime")
                              .contains("already exists")
                              .doesNotContain("someone else");
                        }));
    assertThat(condition(ns, "taken", "Ready"))
        .get()
        .extracting(Condition::getStatus, Condition::getReason)
        .containsExactly("False", "ReconcileError");
    // the retry (after 2 s) fails the same way: no second Event
    eventually().until(() -> failedReconciles() >= failedBefore + 2);
    assertThat(events(ns, "ReconcileError")).hasSize(1);
  }

  @Test
  void rejectsFourteenBAtBf16OnL4WithTheSizingInTheCondition() {
    String ns = freshNamespace();
    NemotronDiffusionDeployment resource = SampleFleets.chat8b("too-big", ns);
    resource.getSpec().getModel().setSize(ModelSize.SIZE_14B);
    resource.getSpec().getGpu().setGpuClass(GpuClass.L4);
    create(resource);

    eventually()
        .untilAsserted(
            () ->
                assertThat(condition(ns, "too-big", "Ready"))
                    .get()
                    .satisfies(
                        c -> {
                          assertThat(c.getReason()).isEqualTo("SizingRejected");
                          assertThat(c.getMessage())
                              .startsWith("model 14B at bf16 needs")
                              .contains(
                                  "GPU class L4 has 22.5 GiB: choose int4, or a larger GPU class");
                        }));
    eventually().until(() -> !events(ns, "SizingRejected").isEmpty());
    assertThat(events(ns, "SizingRejected").getFirst().getType()).isEqualTo("Warning");
    assertThat(fetch(ns, "too-big").getStatus().getSizing().getFits()).isFalse();
    assertThat(deployment(ns, "too-big")).isNull();
  }

  @Test
  void rejectedUpdateLeavesTheRunningDeploymentAlone() {
    String ns = freshNamespace();
    create(SampleFleets.chat8b("keeps-serving", ns));
    PodTemplateSpec before = awaitTemplate(ns, "keeps-serving");

    edit(
        ns,
        "keeps-serving",
        r -> {
          r.getSpec().getModel().setSize(ModelSize.SIZE_14B);
          r.getSpec().getGpu().setGpuClass(GpuClass.L4);
        });

    eventually()
        .untilAsserted(
            () ->
                assertThat(condition(ns, "keeps-serving", "Ready"))
                    .get()
                    .extracting(Condition::getReason)
                    .isEqualTo("SizingRejected"));
    assertThat(deployment(ns, "keeps-serving").getSpec().getTemplate()).isEqualTo(before);
    assertThat(condition(ns, "keeps-serving", "Progressing"))
        .get()
        .extracting(Condition::getMessage)
        .asString()
        .contains("the running pods keep the last accepted spec");
  }

  @Test
  void deploymentDeletedByHandIsRestored() {
    String ns = freshNamespace();
    create(SampleFleets.chat8b("restored", ns));
    Deployment original = awaitDeployment(ns, "restored");

    client.apps().deployments().inNamespace(ns).withName("restored").delete();

    eventually()
        .untilAsserted(
            () -> {
              Deployment again = deployment(ns, "restored");
              assertThat(again).isNotNull();
              assertThat(again.getMetadata().getUid())
                  .isNotEqualTo(original.getMetadata().getUid());
              assertThat(again.getSpec().getTemplate()).isEqualTo(original.getSpec().getTemplate());
            });
  }

  @Test
  void deletingTheResourceIsNotBlockedAndLeavesOnlyOwnedChildren() {
    String ns = freshNamespace();
    NemotronDiffusionDeployment created = create(SampleFleets.chat8b("deleted", ns));
    awaitDeployment(ns, "deleted");
    eventually()
        .until(
            () ->
                client.network().v1().networkPolicies().inNamespace(ns).withName("deleted").get()
                    != null);

    client.resource(created).delete();

    // no finalizer: the resource goes at once, and the API server's garbage collector removes the
    // children through their owner references (the mock has no garbage collector, so check those)
    eventually().until(() -> fetch(ns, "deleted") == null);
    List<HasMetadata> children =
        List.of(
            client.serviceAccounts().inNamespace(ns).withName("deleted").get(),
            client.configMaps().inNamespace(ns).withName("deleted-runtime").get(),
            client.persistentVolumeClaims().inNamespace(ns).withName("deleted-weights").get(),
            deployment(ns, "deleted"),
            client.services().inNamespace(ns).withName("deleted").get(),
            client.policy().v1().podDisruptionBudget().inNamespace(ns).withName("deleted").get(),
            client.network().v1().networkPolicies().inNamespace(ns).withName("deleted").get());
    children.forEach(child -> assertOwnedBy(child, created));
  }

  /**
   * The CRUD mock copies only the status of a {@code PUT .../status} onto its stored object, so it
   * never compares resource versions there and never answers 409. The API server does; the test
   * queues that answer (an expectation, served before the CRUD store) for the first write, after a
   * label edit made {@code stale} really stale.
   */
  @Test
  void statusWriteThatConflictsIsRedoneOnTheLatestVersion() throws InterruptedException {
    String ns = freshNamespace();
    create(SampleFleets.invalidForStatusTests("conflict", ns));
    eventually().until(() -> condition(ns, "conflict", "Ready").isPresent());
    NemotronDiffusionDeployment stale = fetch(ns, "conflict");
    client
        .resources(NemotronDiffusionDeployment.class)
        .inNamespace(ns)
        .withName("conflict")
        .edit(
            r -> {
              r.getMetadata().setLabels(java.util.Map.of("touched", "yes"));
              return r;
            });
    var status = fetch(ns, "conflict").getStatus();
    status.setEndpoint("http://written-after-a-conflict/v1");
    String statusPath =
        "/apis/nemotron.inference.dev/v1alpha1/namespaces/%s/nemotrondiffusiondeployments/conflict/status"
            .formatted(ns);
    mockServer
        .expect()
        .put()
        .withPath(statusPath)
        .andReturn(
            409,
            new StatusBuilder()
                .withStatus("Failure")
                .withReason("Conflict")
                .withCode(409)
                .withMessage(
                    "Operation cannot be fulfilled on nemotrondiffusiondeployments"
                        + " \"conflict\": the object has been modified; please apply your"
                        + " changes to the latest version and try again")
                .build())
        .once();
    int requestsBefore = mockServer.getKubernetesMockServer().getRequestCount();
    double conflictsBefore = statusConflicts();

    var write = statusWriter.write(stale, status);

    assertThat(write).isEqualTo(StatusWriter.Write.WRITTEN_AFTER_CONFLICT);
    assertThat(statusConflicts()).isGreaterThanOrEqualTo(conflictsBefore + 1);
    // the refused PUT, the GET of the latest version and the PUT onto it
    assertThat(mockServer.getKubernetesMockServer().getRequestCount() - requestsBefore)
        .isGreaterThanOrEqualTo(3);
    NemotronDiffusionDeployment latest = fetch(ns, "conflict");
    assertThat(latest.getStatus().getEndpoint()).isEqualTo("http://written-after-a-conflict/v1");
    assertThat(latest.getMetadata().getLabels()).containsEntry("touched", "yes");
  }

  private Deployment awaitDeployment(String namespace, String name) {
    eventually().until(() -> deployment(namespace, name) != null);
    return deployment(namespace, name);
  }

  private static String appliedSpec(Deployment deployment) {
    return deployment.getMetadata().getAnnotations().get(DesiredDeployment.APPLIED_SPEC);
  }

  private static String configHash(PodTemplateSpec template) {
    return template.getMetadata().getAnnotations().get(InferencePodTemplate.CONFIG_HASH);
  }
}
