package dev.inference.nemotron.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.dajudge.kindcontainer.KindContainer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.LocalPortForward;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.utility.MountableFile;

/**
 * The chart on a real cluster: Kind in Docker (Testcontainers' kindcontainer). Skipped where no
 * Docker engine runs ({@code disabledWithoutDocker}), and, with a message, where the two image
 * tarballs of {@code bin/ndd-kind-images} are missing. Loads both images into the Kind node ({@code
 * ctr -n k8s.io images import}), installs the chart with helm-java (pull policy Never, the node's
 * model directory allowed), applies the local fleet's CPU example on a tiny checkpoint copied into
 * the node, waits for the resource's Ready condition, sends a completion through the Service (a
 * port-forward) and deletes the resource: its Deployment and pods go by their owner references.
 */
@Testcontainers(disabledWithoutDocker = true)
class ClusterKindIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String RELEASE = "nemotron-operator";
  private static final String OPERATOR_NAMESPACE = "nemotron-system";
  private static final String NAMESPACE = "default";
  private static final String NAME = "local-tiny";
  private static final String IMAGE_PREFIX = "ndd-kind/";
  private static final String TAG = "it";
  private static final String RUNTIME_TAR = "nemotron-inference-pod.tar";
  private static final String OPERATOR_TAR = "nemotron-operator.tar";

  /** The example's file:// directory: the checkpoint goes exactly there on the node. */
  private static final String NODE_MODEL_DIR = "/var/lib/ndd/models/tiny";

  private static final String EXAMPLE_REQUESTS = "requests: {cpu: \"1\", memory: 2Gi}";

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private static Project project;
  private static Path work;
  private static KindContainer<?> kind;
  private static KubernetesClient client;
  private static boolean installed;

  @BeforeAll
  static void startCluster() throws Exception {
    project = Project.locate();
    Path images = project.root().resolve("target/kind-images");
    Assumptions.assumeTrue(
        Files.isRegularFile(images.resolve(RUNTIME_TAR))
            && Files.isRegularFile(images.resolve(OPERATOR_TAR)),
        "ClusterKindIT skipped: no image tarballs in "
            + images
            + "; build them with bin/ndd-kind-images (needs Docker), then run mvn verify again");
    work = Path.of("target", "cluster-kind-it").toAbsolutePath();
    Files.createDirectories(work);

    kind = new KindContainer<>();
    kind.start();
    for (String tar : List.of(RUNTIME_TAR, OPERATOR_TAR)) {
      kind.copyFileToContainer(MountableFile.forHostPath(images.resolve(tar)), "/tmp/" + tar);
      // as kind load does: every platform the tarball holds, digests kept
      exec(
          "ctr", "-n", "k8s.io", "images", "import", "--all-platforms", "--digests", "/tmp/" + tar);
      exec("rm", "-f", "/tmp/" + tar);
    }

    // the tiny checkpoint, at the example's file:// directory of the (only) node
    Path checkpoint = work.resolve("models/tiny");
    generateCheckpoint(checkpoint);
    exec("mkdir", "-p", NODE_MODEL_DIR);
    kind.copyFileToContainer(MountableFile.forHostPath(checkpoint), NODE_MODEL_DIR);
    exec("chmod", "-R", "a+rX", "/var/lib/ndd");

    client =
        new KubernetesClientBuilder()
            .withConfig(Config.fromKubeconfig(kind.getKubeconfig()))
            .build();
  }

  @AfterAll
  static void stopCluster() {
    try {
      if (client != null) {
        client.close();
      }
      if (installed) {
        try {
          Helm.uninstall(RELEASE)
              .withNamespace(OPERATOR_NAMESPACE)
              .withKubeConfigContents(kind.getKubeconfig())
              .ignoreNotFound()
              .call();
        } catch (RuntimeException e) {
          System.out.println("[kind] helm uninstall: " + e.getMessage());
        }
      }
    } finally {
      if (kind != null) {
        kind.stop();
      }
    }
  }

  private static void exec(String... command) throws Exception {
    Container.ExecResult result = kind.execInContainer(command);
    assertThat(result.getExitCode())
        .as(String.join(" ", command) + ": " + result.getStdout() + result.getStderr())
        .isZero();
  }

  private static void generateCheckpoint(Path dir) throws Exception {
    ChildProcess gen =
        ChildProcess.start(
            "tiny-checkpoint",
            project.ndd(List.of("tiny-checkpoint", "--out", dir.toString(), "--lora-rank", "4")),
            work,
            Map.of(),
            work.resolve("logs"));
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    while (gen.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    boolean ok = !gen.isAlive() && gen.exitCode() == 0;
    String tail = ok ? "" : gen.tail(20);
    gen.stop(Duration.ofSeconds(5));
    assertThat(ok).as("ndd tiny-checkpoint:\n" + tail).isTrue();
  }

  private static ConditionFactory eventually(Duration atMost) {
    return await().atMost(atMost).pollInterval(Duration.ofSeconds(2)).ignoreExceptions();
  }

  private static GenericKubernetesResource fleet() {
    return client
        .genericKubernetesResources(Kubelet.FLEETS)
        .inNamespace(NAMESPACE)
        .withName(NAME)
        .get();
  }

  private static boolean ready(GenericKubernetesResource resource) {
    Object conditions = resource == null ? null : resource.get("status", "conditions");
    if (conditions instanceof List<?> list) {
      for (Object c : list) {
        if (c instanceof Map<?, ?> m
            && "Ready".equals(m.get("type"))
            && "True".equals(String.valueOf(m.get("status")))) {
          return true;
        }
      }
    }
    return false;
  }

  @Test
  void servesAFleetInstalledByTheChart() throws Exception {
    String operatorImage = IMAGE_PREFIX + "nemotron-operator";
    String runtimeImage = IMAGE_PREFIX + "nemotron-inference-pod";
    Helm.install(project.root().resolve("charts/nemotron-operator").toString())
        .withName(RELEASE)
        .withNamespace(OPERATOR_NAMESPACE)
        .createNamespace()
        .withKubeConfigContents(kind.getKubeconfig())
        .set("image.repository", operatorImage)
        .set("image.tag", TAG)
        .set("image.pullPolicy", "Never")
        .set("runtime.image.repository", runtimeImage)
        .set("runtime.image.tag", TAG)
        .set("runtime.image.pullPolicy", "Never")
        .set("allowedHostPathPrefixes[0]", "/var/lib/ndd/models")
        .waitReady()
        .withTimeout(300)
        .call();
    installed = true;

    // the local fleet's bundled CPU example, as is: its file:// directory is the node's copy
    String yaml;
    try (InputStream in = LocalFleet.class.getResourceAsStream(LocalFleet.EXAMPLE)) {
      yaml =
          new String(
              Objects.requireNonNull(in, LocalFleet.EXAMPLE).readAllBytes(),
              StandardCharsets.UTF_8);
    }
    assertThat(yaml).contains(LocalFleet.EXAMPLE_URI).contains(EXAMPLE_REQUESTS);
    assertThat(LocalFleet.EXAMPLE_URI).isEqualTo("file://" + NODE_MODEL_DIR);
    // a whole CPU does not fit beside the control plane on a 2-core Docker machine
    GenericKubernetesResource example =
        client
            .getKubernetesSerialization()
            .unmarshal(
                yaml.replace(EXAMPLE_REQUESTS, "requests: {cpu: 250m, memory: 1Gi}"),
                GenericKubernetesResource.class);
    client
        .genericKubernetesResources(Kubelet.FLEETS)
        .inNamespace(NAMESPACE)
        .resource(example)
        .create();

    try {
      eventually(Duration.ofMinutes(6)).until(() -> ready(fleet()));

      try (LocalPortForward forward =
          client.services().inNamespace(NAMESPACE).withName(NAME).portForward(8080)) {
        HttpResponse<String> completion =
            HTTP.send(
                HttpRequest.newBuilder(
                        URI.create(
                            "http://127.0.0.1:" + forward.getLocalPort() + "/v1/completions"))
                    .timeout(Duration.ofMinutes(2))
                    .header("Content-Type", "application/json")
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            JSON.writeValueAsString(
                                Map.of("model", NAME, "prompt", "Hello", "max_tokens", 8))))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(completion.statusCode()).as(completion.body()).isEqualTo(200);
        JsonNode usage = JSON.readTree(completion.body()).path("usage");
        assertThat(usage.path("completion_tokens").asInt()).isPositive();
        assertThat(usage.path("total_tokens").asInt()).isPositive();
      }
    } finally {
      // deleting the resource: the garbage collector removes what it owns
      client
          .genericKubernetesResources(Kubelet.FLEETS)
          .inNamespace(NAMESPACE)
          .withName(NAME)
          .delete();
    }
    eventually(Duration.ofMinutes(3))
        .untilAsserted(
            () -> {
              assertThat(fleet()).isNull();
              assertThat(client.apps().deployments().inNamespace(NAMESPACE).withName(NAME).get())
                  .isNull();
              assertThat(client.pods().inNamespace(NAMESPACE).list().getItems())
                  .noneMatch(p -> p.getMetadata().getName().startsWith(NAME + "-"));
            });
  }
}
