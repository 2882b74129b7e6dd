package dev.inference.nemotron.operator.contract;

import static dev.inference.nemotron.operator.contract.RenderedPod.assertRefersTo;
import static dev.inference.nemotron.operator.contract.RenderedPod.option;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.inference.nemotron.api.v1alpha1.ModeMix;
import dev.inference.nemotron.api.v1alpha1.ModesSpec;
import dev.inference.nemotron.api.v1alpha1.NemotronDiffusionDeployment;
import dev.inference.nemotron.api.v1alpha1.NemotronDiffusionDeploymentSpec;
import dev.inference.nemotron.api.v1alpha1.TenantSpec;
import dev.inference.nemotron.operator.desired.DesiredDeployment;
import dev.inference.nemotron.operator.desired.DesiredFetchJob;
import dev.inference.nemotron.operator.desired.DesiredService;
import dev.inference.nemotron.operator.desired.Fleet;
import dev.inference.nemotron.operator.desired.RuntimeLayout;
import dev.inference.nemotron.pod.fetch.CompletionMarker;
import dev.inference.nemotron.pod.model.DType;
import dev.inference.nemotron.pod.model.TinyCheckpoint;
import dev.inference.nemotron.pod.model.TinyCheckpointSpec;
import dev.inference.nemotron.pod.serve.config.RuntimeConfig;
import dev.inference.nemotron.pod.serve.config.TenantConfig;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The contract between the operator and the runtime (DESIGN.md, "The operator and the runtime: one
 * contract"), held from both sides with the operator's rendered objects and the runtime's own code:
 *
 * <ul>
 *   <li>the runtime's strict reader accepts every runtime.yaml the operator writes, with the values
 *       the resource asked for;
 *   <li>the pod template mounts every file that document names, probes and scrapes routes the
 *       runtime serves on the port it listens on, and gives it time to drain;
 *   <li>the runtime, run as a child process with the rendered container's exact arguments in a
 *       directory laid out like the pod ({@code NDD_POD_ROOT}), turns live then ready, serves the
 *       OpenAI API under the resource's name to the tenants' mounted keys only, exposes the metrics
 *       the ServiceMonitor scrapes, applies a live change the operator makes without rolling the
 *       pods (a tenant's limit) once the mounted file changes, and exits 0 on SIGTERM within the
 *       grace period;
 *   <li>the weight cache's init container blocks until the download's completion marker appears.
 * </ul>
 */
class RuntimeContractTest {

  /** The routes {@code ndd serve} answers besides {@code /v1/*} (its OpenAiServer). */
  private static final Set<String> RUNTIME_ROUTES =
      Set.of("/health/live", "/health/ready", "/metrics");

  private static final ObjectMapper JSON = new ObjectMapper();

  /** How long the runtime may take to apply a changed configuration file (it polls every 5 s). */
  private static final long CONFIG_RELOAD_SECONDS = 30;

  static Stream<Named<NemotronDiffusionDeployment>> fleets() {
    return ContractFleets.all().map(r -> Named.of(r.getMetadata().getName(), r));
  }

  @ParameterizedTest
  @MethodSource("fleets")
  void runtimeReadsEveryDocumentTheOperatorWritesWithTheValuesTheResourceAskedFor(
      NemotronDiffusionDeployment resource) {
    RenderedPod rendered = RenderedPod.of(ContractFleets.accepted(resource));

    // strict: an unknown or misspelt key is an InvalidConfigException naming it
    RuntimeConfig config =
        RuntimeConfig.parse(
            rendered.document().getBytes(StandardCharsets.UTF_8), Path.of(rendered.configPath()));

    NemotronDiffusionDeploymentSpec spec = resource.getSpec();
    assertThat(config.model().size()).contains(wire(spec.getModel().getSize()));
    assertThat(config.model().variant()).contains(wire(spec.getModel().getVariant()));
    assertThat(config.model().path()).isAbsolute();
    assertThat(config.model().name()).isEqualTo(resource.getMetadata().getName());
    assertThat(config.model().source()).contains(spec.getModel().getSource().getUri());
    assertThat(config.model().revision().orElse(null))
        .isEqualTo(spec.getModel().getSource().getRevision());
    assertThat(config.model().draftAdapter().orElse(null))
        .isEqualTo(spec.getModel().getDraftAdapter());
    assertThat(config.quantization().yamlName()).isEqualTo(wire(spec.getQuantization()));
    assertThat(config.device().deviceClass()).isEqualTo(wire(spec.getGpu().getGpuClass()));
    if (!config.device().isCpu()) {
      assertThat(config.device().count()).isEqualTo(spec.getGpu().getCount());
    }
    assertThat(config.maxContextLength()).isEqualTo(spec.getMaxContextLength());
    assertThat(config.maxConcurrentSequences()).isEqualTo(spec.getMaxConcurrentSequences());

    ModesSpec modes = Objects.requireNonNullElseGet(spec.getModes(), ModesSpec::new);
    ModeMix mix = modes.getMix();
    assertThat(config.modes().mix())
        .isEqualTo(
            new dev.inference.nemotron.pod.serve.config.ModeMix(
                mix.getAutoregressive(), mix.getDiffusion(), mix.getSelfSpeculation()));
    assertThat(config.modes().diffusion().blockSize())
        .isEqualTo(modes.getDiffusion().getBlockSize());
    assertThat(config.modes().diffusion().threshold())
        .isEqualTo(modes.getDiffusion().getThreshold());
    assertThat(config.modes().selfSpeculation().blockSize())
        .isEqualTo(modes.getSelfSpeculation().getBlockSize());
    assertThat(config.modes().selfSpeculation().variant().yamlName())
        .isEqualTo(wire(modes.getSelfSpeculation().getVariant()));

    assertThat(config.tenants().stream().map(TenantConfig::name))
        .containsExactlyElementsOf(
            rendered.fleet().tenants().stream().map(TenantSpec::getName).toList());
    for (TenantConfig read : config.tenants()) {
      TenantSpec asked = tenant(rendered.fleet(), read.name());
      assertThat(read.apiKeyFile()).isAbsolute();
      // the spec's limit is the fleet's; each runtime enforces its share of the replicas
      assertThat(boxed(read.tokensPerMinute()))
          .isEqualTo(
              asked.getTokensPerMinute() == null
                  ? null
                  : Math.ceilDiv(
                      asked.getTokensPerMinute(), Math.max(1, rendered.fleet().replicas())));
      assertThat(
              read.maxConcurrentRequests().isPresent()
                  ? read.maxConcurrentRequests().getAsInt()
                  : null)
          .isEqualTo(asked.getMaxConcurrentRequests());
      assertThat(read.weight()).isEqualTo(asked.getWeight());
    }
  }

  @ParameterizedTest
  @MethodSource("fleets")
  void podTemplateMountsEveryFileTheDocumentNamesAndProbesRoutesTheRuntimeServes(
      NemotronDiffusionDeployment resource, @TempDir Path work) throws Exception {
    Fleet fleet = ContractFleets.accepted(resource);
    RenderedPod rendered = RenderedPod.of(fleet);
    Container runtime = rendered.runtime();
    PodRoot root = new PodRoot(work);
    root.mount(rendered.pod(), runtime, rendered.configMap());

    // the file `serve --config` names is the ConfigMap's document, where its volume mounts it
    Path configFile = root.resolve(rendered.configPath());
    assertThat(configFile).isRegularFile();
    RuntimeConfig config = RuntimeConfig.load(configFile);

    // the weights are read from a volume of the runtime container
    VolumeMount models = PodRoot.mountHolding(runtime, config.model().path().toString());

    // each tenant's key file is the projection of that tenant's own Secret key
    for (TenantConfig tenant : config.tenants()) {
      assertThat(Files.readString(root.resolve(tenant.apiKeyFile().toString())).strip())
          .as("key file of tenant %s", tenant.name())
          .isEqualTo(secretKey(tenant(fleet, tenant.name())));
    }

    // the port the runtime listens on is the named port the probes, Service and monitor use
    ContainerPort http = rendered.containerPort(config.server().port());
    for (Probe probe : rendered.probes()) {
      assertThat(RUNTIME_ROUTES).contains(probe.getHttpGet().getPath());
      assertRefersTo(probe.getHttpGet().getPort(), http);
    }
    ServicePort scraped =
        DesiredService.of(fleet).getSpec().getPorts().stream()
            .filter(p -> p.getName().equals(rendered.monitorEndpoint().get("port")))
            .findFirst()
            .orElseThrow(() -> new AssertionError("the ServiceMonitor scrapes no Service port"));
    assertRefersTo(scraped.getTargetPort(), http);
    assertThat(RUNTIME_ROUTES).contains(rendered.metricsPath());

    // SIGTERM drains in-flight requests: the drain must end before the kubelet's SIGKILL
    assertThat((long) config.server().drainSeconds())
        .isLessThan(rendered.pod().getTerminationGracePeriodSeconds());

    // init containers and the download Job fill, or wait for, the directory the runtime loads
    String modelDir = config.model().path().toString();
    for (Container init : rendered.initContainers()) {
      assertThat(init.getArgs().getFirst()).isEqualTo("fetch");
      assertThat(option(init.getArgs(), "--into")).isEqualTo(modelDir);
      VolumeMount initModels = PodRoot.mountHolding(init, modelDir);
      assertThat(initModels.getName()).isEqualTo(models.getName());
      assertThat(initModels.getMountPath()).isEqualTo(models.getMountPath());
    }
    if (fleet.hasWeightCache()) {
      PodSpec job = DesiredFetchJob.of(fleet).getSpec().getTemplate().getSpec();
      Container fetch = job.getContainers().getFirst();
      assertThat(option(fetch.getArgs(), "--into")).isEqualTo(modelDir);
      VolumeMount cache = PodRoot.mountHolding(fetch, modelDir);
      assertThat(cache.getMountPath()).isEqualTo(models.getMountPath());
      assertThat(PodRoot.volume(job, cache.getName()).getPersistentVolumeClaim().getClaimName())
          .isEqualTo(
              PodRoot.volume(rendered.pod(), models.getName())
                  .getPersistentVolumeClaim()
                  .getClaimName());
    }
  }

  @Test
  void runtimeServesThePodTheOperatorRendersAndStopsOnSigterm(@TempDir Path work) throws Exception {
    Fleet fleet = ContractFleets.accepted(ContractFleets.cpuFromClaim());
    RenderedPod rendered = RenderedPod.of(fleet);
    Container runtime = rendered.runtime();
    PodRoot root = new PodRoot(Files.createDirectories(work.resolve("pod")));
    root.mount(rendered.pod(), runtime, rendered.configMap());
    // the checkpoint goes where the document says, inside the runtime's models volume
    RuntimeConfig config = RuntimeConfig.load(root.resolve(rendered.configPath()));
    PodRoot.mountHolding(runtime, config.model().path().toString());
    TinyCheckpoint.write(
        tinyCheckpointWithDraftAdapter(), root.resolve(config.model().path().toString()));
    Map<String, String> keys = tenantKeys(fleet);
    String key = keys.get("search");
    Probe startup = runtime.getStartupProbe();
    Duration startupBudget =
        Duration.ofSeconds((long) startup.getPeriodSeconds() * startup.getFailureThreshold());
    long grace = rendered.pod().getTerminationGracePeriodSeconds();
    int port = freeLoopbackPort();

    try (RuntimeProcess process =
        RuntimeProcess.start(
            "serve", runtime.getArgs(), root, OptionalInt.of(port), work.resolve("logs"))) {
      process.check(
          () -> {
            RuntimeApi api = new RuntimeApi(port);
            api.awaitOk(process, startup.getHttpGet().getPath(), startupBudget);
            api.awaitOk(process, runtime.getReadinessProbe().getHttpGet().getPath(), startupBudget);
            for (Probe probe : rendered.probes()) {
              assertThat(api.get(probe.getHttpGet().getPath(), null).statusCode())
                  .as(probe.getHttpGet().getPath())
                  .isEqualTo(200);
            }

            // clients name the model by the resource they applied
            String model = fleet.resource().getMetadata().getName();
            assertThat(api.get("/v1/models", null).statusCode()).isEqualTo(401);
            HttpResponse<String> models = api.get("/v1/models", key);
            assertThat(models.statusCode()).as(models.body()).isEqualTo(200);
            assertThat(JSON.readTree(models.body()).path("data"))
                .extracting(m -> m.path("id").asText())
                .containsExactly(model);
            HttpResponse<String> otherModel = api.complete(model + "-other", null, key);
            assertThat(otherModel.statusCode()).as(otherModel.body()).isEqualTo(404);

            for (Map.Entry<String, String> tenant : keys.entrySet()) {
              HttpResponse<String> completion = api.complete(model, null, tenant.getValue());
              assertThat(completion.statusCode())
                  .as("tenant %s: %s", tenant.getKey(), completion.body())
                  .isEqualTo(200);
              assertThat(JSON.readTree(completion.body()).path("choices").size()).isEqualTo(1);
            }
            assertThat(api.complete(model, null, null).statusCode()).isEqualTo(401);
            assertThat(api.complete(model, null, "sk-not-a-tenant").statusCode()).isEqualTo(401);
            HttpResponse<String> diffusion = api.complete(model, "diffusion", key);
            assertThat(diffusion.statusCode()).as(diffusion.body()).isEqualTo(200);

            HttpResponse<String> metrics = api.get(rendered.metricsPath(), null);
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.body().lines())
                .as("forward passes of the diffusion request")
                .anyMatch(
                    line ->
                        line.startsWith("ndd_forward_passes_total{")
                            && line.contains("mode=\"diffusion\"")
                            && Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)) > 0);

            // a tenant's limit changes: the operator rewrites the ConfigMap and keeps the pod
            // template; the kubelet rewrites the mounted file and the running runtime applies it
            NemotronDiffusionDeployment limited = ContractFleets.cpuFromClaim();
            limited.getSpec().getTenants().stream()
                .filter(t -> t.getName().equals("search"))
                .findFirst()
                .orElseThrow()
                .setTokensPerMinute(1L);
            RenderedPod reloaded = RenderedPod.of(ContractFleets.accepted(limited));
            assertThat(DesiredDeployment.of(reloaded.fleet()).getSpec().getTemplate())
                .as("the pod template, so no pod rolls")
                .isEqualTo(DesiredDeployment.of(fleet).getSpec().getTemplate());
            assertThat(reloaded.document()).isNotEqualTo(rendered.document());
            root.update(reloaded.pod(), reloaded.runtime(), reloaded.configMap());
            HttpResponse<String> refused =
                awaitStatus(api, model, key, 429, Duration.ofSeconds(CONFIG_RELOAD_SECONDS));
            assertThat(refused.body()).contains("1 tokens per minute");
            HttpResponse<String> otherTenant = api.complete(model, null, keys.get("batch-eval"));
            assertThat(otherTenant.statusCode()).as(otherTenant.body()).isEqualTo(200);
          });

      process.terminate();
      OptionalInt exit = process.awaitExit(Duration.ofSeconds(grace));
      process.check(
          () -> assertThat(exit).as("exit code within %d s of SIGTERM", grace).hasValue(0));
    }
  }

  @Test
  void cacheReplicasWaitForTheDownloadsCompletionMarker(@TempDir Path work) throws Exception {
    Fleet fleet = ContractFleets.accepted(ContractFleets.cachedDownloadOnCpu());
    RenderedPod rendered = RenderedPod.of(fleet);
    assertThat(rendered.initContainers()).hasSize(1);
    Container wait = rendered.initContainers().getFirst();
    assertThat(wait.getArgs()).contains("--wait");
    assertThat(RuntimeLayout.COMPLETE_MARKER).isEqualTo(CompletionMarker.FILE_NAME);
    PodRoot root = new PodRoot(Files.createDirectories(work.resolve("pod")));
    Path modelDir = root.resolve(option(wait.getArgs(), "--into"));
    Path marker = modelDir.resolve(CompletionMarker.FILE_NAME);

    try (RuntimeProcess process =
        RuntimeProcess.start(
            "wait", wait.getArgs(), root, OptionalInt.empty(), work.resolve("logs"))) {
      process.check(
          () -> {
            awaitOutput(process, "waiting for " + marker, Duration.ofSeconds(60));
            assertThat(process.awaitExit(Duration.ofSeconds(2)))
                .as("still waiting while %s is missing", marker)
                .isEmpty();

            // what the download Job writes last
            Files.createDirectories(modelDir);
            ObjectNode contents = JSON.createObjectNode();
            contents.put("source", fleet.spec().getModel().getSource().getUri());
            contents.put("revision", fleet.spec().getModel().getSource().getRevision());
            contents.put("commit", "0123456789abcdef0123456789abcdef01234567");
            contents.put("files", 0);
            contents.put("bytes", 0L);
            contents.put("completedAt", Instant.now().toString());
            Files.writeString(marker, contents.toPrettyString());

            assertThat(process.awaitExit(Duration.ofSeconds(30)))
                .as("exit code soon after %s appeared", marker)
                .hasValue(0);
          });
    }
  }

  /**
   * Completes with {@code model} until the answer is {@code status}, within {@code timeout}: the
   * runtime polls its configuration file every few seconds.
   */
  private static HttpResponse<String> awaitStatus(
      RuntimeApi api, String model, String key, int status, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      HttpResponse<String> response = api.complete(model, null, key);
      if (response.statusCode() == status) {
        return response;
      }
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      assertThat(System.nanoTime() - deadline)
          .as("a completion answered %d within %s", status, timeout)
          .isNegative();
      Thread.sleep(500);
    }
  }

  private static TenantSpec tenant(Fleet fleet, String name) {
    return fleet.tenants().stream()
        .filter(t -> t.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no tenant " + name + " in the resource"));
  }

  /** Tenant name to the key the test put in its Secret (the runtime reads it from its file). */
  private static Map<String, String> tenantKeys(Fleet fleet) {
    Map<String, String> keys = new LinkedHashMap<>();
    for (TenantSpec tenant : fleet.tenants()) {
      keys.put(tenant.getName(), secretKey(tenant));
    }
    return keys;
  }

  /** The key {@link PodRoot} mounts for {@code tenant}: its own Secret's key. */
  private static String secretKey(TenantSpec tenant) {
    return PodRoot.testKey(
        tenant.getApiKeySecretRef().getName(),
        Objects.requireNonNullElse(tenant.getApiKeySecretRef().getKey(), "api-key"));
  }

  /** The API's JSON spelling of an enum constant of the resource. */
  private static String wire(Enum<?> value) {
    return JSON.convertValue(value, String.class);
  }

  private static Long boxed(OptionalLong value) {
    return value.isPresent() ? value.getAsLong() : null;
  }

  /** The default tiny checkpoint with a {@code linear_spec_lora/} draft adapter of rank 4. */
  private static TinyCheckpointSpec tinyCheckpointWithDraftAdapter() {
    TinyCheckpointSpec d = TinyCheckpointSpec.defaults();
    return new TinyCheckpointSpec(
        d.hidden(),
        d.layers(),
        d.intermediate(),
        d.heads(),
        d.kvHeads(),
        d.headDim(),
        d.vocab(),
        DType.BF16,
        d.seed(),
        d.originalMaxPositions(),
        d.ropeTheta(),
        d.ropeFactor(),
        d.shards(),
        4,
        null);
  }

  private static int freeLoopbackPort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static void awaitOutput(RuntimeProcess process, String text, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!process.output().contains(text)) {
      assertThat(process.isAlive()).as("still running, before printing '%s'", text).isTrue();
      assertThat(System.nanoTime() - deadline).as("'%s' within %s", text, timeout).isNegative();
      Thread.sleep(100);
    }
  }
}
