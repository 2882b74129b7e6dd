package dev.inference.nemotron.operator.desired;

import static org.assertj.core.api.Assertions.assertThat;

import dev.inference.nemotron.api.v1alpha1.GpuClass;
import dev.inference.nemotron.api.v1alpha1.ModeMix;
import dev.inference.nemotron.api.v1alpha1.ModelSize;
import dev.inference.nemotron.api.v1alpha1.ModesSpec;
import dev.inference.nemotron.api.v1alpha1.NemotronDiffusionDeployment;
import dev.inference.nemotron.api.v1alpha1.PodTemplateOverrides;
import dev.inference.nemotron.api.v1alpha1.Quantization;
import dev.inference.nemotron.api.v1alpha1.ScalingActuator;
import dev.inference.nemotron.api.v1alpha1.ScalingSpec;
import dev.inference.nemotron.operator.SampleFleets;
import dev.inference.nemotron.operator.sizing.ModelSizing;
import dev.inference.nemotron.operator.spec.ModelSourceUri;
import dev.inference.nemotron.operator.spec.SpecChange;
import dev.inference.nemotron.operator.spec.SpecDiff;
import dev.inference.nemotron.operator.spec.SpecSizing;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The desired objects as pure functions of a fleet, and their agreement with {@link SpecDiff}. */
class DesiredObjectsTest {

  static Fleet fleet(NemotronDiffusionDeployment resource) {
    var spec = resource.getSpec();
    return new Fleet(
        resource,
        ModelSourceUri.parse(spec.getModel().getSource().getUri()).orElseThrow(),
        SpecSizing.gpuClass(spec),
        ModelSizing.estimate(SpecSizing.request(spec)),
        1,
        TestSettings.DEFAULT);
  }

  private static NemotronDiffusionDeployment sample() {
    return SampleFleets.chat8b("chat-8b", "team-a");
  }

  @Test
  void deploymentRequestsTheGpusAndPinsTheGpuClassByItsProductLabels() {
    Deployment deployment = DesiredDeployment.of(fleet(sample()));
    PodSpec pod = deployment.getSpec().getTemplate().getSpec();
    Container runtime = pod.getContainers().getFirst();

    assertThat(runtime.getResources().getLimits())
        .containsEntry("nvidia.com/gpu", new Quantity("1"));
    assertThat(
            pod.getAffinity()
                .getNodeAffinity()
                .getRequiredDuringSchedulingIgnoredDuringExecution()
                .getNodeSelectorTerms()
                .getFirst()
                .getMatchExpressions()
                .getFirst()
                .getValues())
        .contains("NVIDIA-H100-80GB-HBM3", "NVIDIA-H100-SXM5-80GB");
    assertThat(pod.getTolerations())
        .anySatisfy(t -> assertThat(t.getKey()).isEqualTo("nvidia.com/gpu"));
    assertThat(
            deployment.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable().getIntVal())
        .isZero();
  }

  @Test
  void podRunsNonRootOnAReadOnlyRootWithoutCapabilitiesAndAWritableTmp() {
    PodSpec pod = DesiredDeployment.of(fleet(sample())).getSpec().getTemplate().getSpec();
    Container runtime = pod.getContainers().getFirst();

    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    assertThat(runtime.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(runtime.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(runtime.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(runtime.getVolumeMounts())
        .anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/tmp"));
    assertThat(runtime.getPorts().getFirst().getName()).isEqualTo("http");
    assertThat(runtime.getPorts().getFirst().getContainerPort()).isEqualTo(8080);
    assertThat(runtime.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/health/ready");
    assertThat(runtime.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/health/live");
  }

  @Test
  void cpuClassRequestsNoGpuButTheSizedMemory() {
    NemotronDiffusionDeployment resource = sample();
    resource.getSpec().getGpu().setGpuClass(GpuClass.CPU);
    resource.getSpec().getGpu().setCount(0);
    Fleet fleet = fleet(resource);
    PodSpec pod = DesiredDeployment.of(fleet).getSpec().getTemplate().getSpec();
    var resources = pod.getContainers().getFirst().getResources();

    assertThat(resources.getLimits()).doesNotContainKey("nvidia.com/gpu");
    assertThat(Quantity.getAmountInBytes(resources.getRequests().get("memory")).longValue())
        .isGreaterThanOrEqualTo(fleet.sizing().requiredBytes());
    assertThat(pod.getAffinity()).isNull();
  }

  @Test
  void gpuPodRequestsCpuAndHostMemoryFromTheSizingSoItIsNotBestEffort() {
    NemotronDiffusionDeployment resource = sample(); // one H100 per replica
    Fleet fleet = fleet(resource);
    var resources =
        DesiredDeployment.of(fleet)
            .getSpec()
            .getTemplate()
            .getSpec()
            .getContainers()
            .getFirst()
            .getResources();

    assertThat(resources.getRequests()).containsEntry("cpu", new Quantity("2"));
    long memory = Quantity.getAmountInBytes(resources.getRequests().get("memory")).longValue();
    assertThat(memory)
        .isGreaterThanOrEqualTo(
            InferencePodTemplate.HOST_OVERHEAD_BYTES + fleet.sizing().weightBytes() / 4)
        .isLessThan(fleet.sizing().weightBytes());
    assertThat(resources.getLimits()).containsOnlyKeys("nvidia.com/gpu");
  }

  @Test
  void userCpuAndMemoryWinAndALimitAloneIsNotUndercutByADefaultRequest() {
    NemotronDiffusionDeployment resource = sample();
    resource.getSpec().setTemplate(new PodTemplateOverrides());
    resource
        .getSpec()
        .getTemplate()
        .setResources(
            new ResourceRequirementsBuilder()
                .addToRequests("cpu", new Quantity("8"))
                .addToLimits("memory", new Quantity("1Gi"))
                .build());
    var resources =
        DesiredDeployment.of(fleet(resource))
            .getSpec()
            .getTemplate()
            .getSpec()
            .getContainers()
            .getFirst()
            .getResources();

    assertThat(resources.getRequests())
        .containsEntry("cpu", new Quantity("8"))
        .doesNotContainKey("memory");
    assertThat(resources.getLimits()).containsEntry("memory", new Quantity("1Gi"));
  }

  @Test
  void tenantKeysAreMountedFromTheirSecretsAndNeverWrittenToTheConfigMap() {
    NemotronDiffusionDeployment resource = sample();
    resource.getSpec().setTenants(List.of(SampleFleets.tenant("search")));
    Fleet fleet = fleet(resource);
    PodSpec pod = DesiredDeployment.of(fleet).getSpec().getTemplate().getSpec();

    assertThat(pod.getVolumes())
        .filteredOn(v -> v.getProjected() != null)
        .singleElement()
        .satisfies(
            v ->
                assertThat(v.getProjected().getSources().getFirst().getSecret().getName())
                    .isEqualTo("search-key"));
    String document = DesiredConfigMap.of(fleet).getData().get("runtime.yaml");
    assertThat(document)
        .contains("apiKeyFile: /var/run/secrets/nemotron/tenants/search")
        .doesNotContain("search-key");
  }

  @Test
  void networkPolicyAdmitsLabelledClientsTheOperatorAndTheScrapeNamespacesOnly() {
    NetworkPolicy policy = DesiredNetworkPolicy.of(fleet(sample()));
    var from = policy.getSpec().getIngress().getFirst().getFrom();

    assertThat(from).hasSize(3);
    assertThat(from.get(0).getPodSelector().getMatchLabels())
        .containsEntry("nemotron.inference.dev/client", "chat-8b");
    assertThat(from.get(1).getNamespaceSelector().getMatchLabels())
        .containsEntry("kubernetes.io/metadata.name", "nemotron-system");
    assertThat(from.get(2).getNamespaceSelector().getMatchLabels())
        .containsEntry("kubernetes.io/metadata.name", "monitoring");
  }

  @Test
  void runtimeImageOfOneResourceOverridesTheOperatorsForItsPodsAndItsDownload() {
    NemotronDiffusionDeployment resource = sample();
    assertThat(
            DesiredDeployment.of(fleet(resource)).getSpec().getTemplate().getSpec().getContainers())
        .allSatisfy(c -> assertThat(c.getImage()).isEqualTo(TestSettings.DEFAULT.image()));
    resource.getSpec().setTemplate(new PodTemplateOverrides());
    resource.getSpec().getTemplate().setImage("nemotron-inference-pod:0.2.0-rc1");
    PodSpec pod = DesiredDeployment.of(fleet(resource)).getSpec().getTemplate().getSpec();

    assertThat(pod.getContainers())
        .extracting(Container::getImage)
        .containsOnly("nemotron-inference-pod:0.2.0-rc1");
    assertThat(pod.getInitContainers())
        .extracting(Container::getImage)
        .containsOnly("nemotron-inference-pod:0.2.0-rc1");
    assertThat(
            DesiredFetchJob.of(fleet(resource)).getSpec().getTemplate().getSpec().getContainers())
        .extracting(Container::getImage)
        .containsOnly("nemotron-inference-pod:0.2.0-rc1");
  }

  @Test
  void fetchJobHasResourcesADeadlineAndIsRemovedAfterItFinished() {
    Job job = DesiredFetchJob.of(fleet(sample()));

    assertThat(job.getSpec().getActiveDeadlineSeconds()).isEqualTo(6 * 3600L);
    assertThat(job.getSpec().getTtlSecondsAfterFinished()).isEqualTo(24 * 3600);
    var resources = job.getSpec().getTemplate().getSpec().getContainers().getFirst().getResources();
    assertThat(resources.getRequests())
        .containsEntry("cpu", new Quantity("500m"))
        .containsEntry("memory", new Quantity("1Gi"));
    assertThat(resources.getLimits()).containsEntry("memory", new Quantity("1Gi"));
  }

  @Test
  void progressDeadlineCoversADownloadAndTheStartUpSoAFirstDownloadIsNotDegraded() {
    NemotronDiffusionDeployment resource = sample();
    int downloading = DesiredDeployment.of(fleet(resource)).getSpec().getProgressDeadlineSeconds();
    resource.getSpec().getModel().setCache(null);
    resource.getSpec().getModel().getSource().setUri("pvc://weights/chat-8b");
    int readInPlace = DesiredDeployment.of(fleet(resource)).getSpec().getProgressDeadlineSeconds();

    assertThat(downloading).isEqualTo(600 + 6 * 3600 + 600);
    assertThat(readInPlace).isEqualTo(600 + 600).isGreaterThan(600);
  }

  @Test
  void fetchJobIsNamedAfterTheSourceSoANewRevisionGetsANewJob() {
    NemotronDiffusionDeployment resource = sample();
    String before = DesiredFetchJob.name(fleet(resource));
    resource.getSpec().getModel().getSource().setRevision("v2");

    assertThat(DesiredFetchJob.name(fleet(resource)))
        .isNotEqualTo(before)
        .startsWith("chat-8b-fetch-");
  }

  @Test
  void aNewSecretRefGetsANewFetchJobSoAFailedDownloadIsRetriedInTheSameModelDirectory() {
    NemotronDiffusionDeployment resource = sample();
    String before = DesiredFetchJob.name(fleet(resource));
    String modelDir = RuntimeLayout.modelDir(fleet(resource));
    resource.getSpec().getModel().getSource().setSecretRef("hf-token-rotated");

    assertThat(DesiredFetchJob.name(fleet(resource))).isNotEqualTo(before);
    assertThat(RuntimeLayout.modelDir(fleet(resource))).isEqualTo(modelDir);
  }

  @Test
  void fetchJobNameOfTheLongestResourceNameFitsALabelValue() {
    NemotronDiffusionDeployment resource = SampleFleets.chat8b("n".repeat(46), "team-a");

    assertThat(DesiredFetchJob.name(fleet(resource)))
        .hasSize(63)
        .matches("n{46}-fetch-[0-9a-f]{10}");
  }

  @Test
  void replicasWaitForTheCacheWithTheRuntimeItselfSinceTheImageHasNoShell() {
    Fleet fleet = fleet(sample());
    PodSpec pod = DesiredDeployment.of(fleet).getSpec().getTemplate().getSpec();

    assertThat(pod.getInitContainers())
        .singleElement()
        .satisfies(
            wait -> {
              assertThat(wait.getName()).isEqualTo(InferencePodTemplate.WAIT);
              assertThat(wait.getCommand()).isEmpty();
              assertThat(wait.getArgs())
                  .containsExactly("fetch", "--wait", "--into", RuntimeLayout.modelDir(fleet));
              assertThat(wait.getImage()).isEqualTo(fleet.settings().image());
              assertThat(wait.getVolumeMounts())
                  .singleElement()
                  .satisfies(m -> assertThat(m.getReadOnly()).isTrue());
            });
  }

  @Test
  void withoutACacheEachReplicaFetchesIntoItsOwnDirectory() {
    NemotronDiffusionDeployment resource = sample();
    resource.getSpec().getModel().setCache(null);
    Fleet fleet = fleet(resource);
    PodSpec pod = DesiredDeployment.of(fleet).getSpec().getTemplate().getSpec();

    assertThat(pod.getInitContainers())
        .singleElement()
        .satisfies(
            fetch -> {
              assertThat(fetch.getName()).isEqualTo(InferencePodTemplate.FETCH);
              assertThat(fetch.getCommand()).isEmpty();
              assertThat(fetch.getArgs())
                  .containsExactly(
                      "fetch",
                      "--source",
                      "hf://nvidia/Nemotron-Labs-Diffusion-8B",
                      "--revision",
                      "main",
                      "--into",
                      RuntimeLayout.modelDir(fleet));
              assertThat(fetch.getEnvFrom().getFirst().getSecretRef().getName())
                  .isEqualTo("hf-token");
            });
  }

  @Test
  void fileSourceIsAHostPathDirectoryTheRuntimeMountsReadOnly() {
    NemotronDiffusionDeployment resource = sample();
    resource.getSpec().getModel().getSource().setUri("file:///var/lib/ndd/models/8b");
    resource.getSpec().getModel().getSource().setSecretRef(null);
    resource.getSpec().getModel().setCache(null);
    PodSpec pod = DesiredDeployment.of(fleet(resource)).getSpec().getTemplate().getSpec();

    var models = pod.getVolumes().stream().filter(v -> v.getHostPath() != null).toList();
    assertThat(models)
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.getHostPath().getPath()).isEqualTo("/var/lib/ndd/models/8b");
              assertThat(v.getHostPath().getType()).isEqualTo("Directory");
            });
    assertThat(pod.getContainers().getFirst().getVolumeMounts())
        .filteredOn(m -> m.getName().equals(models.getFirst().getName()))
        .singleElement()
        .satisfies(m -> assertThat(m.getReadOnly()).isTrue());
    assertThat(pod.getInitContainers()).isEmpty();
  }

  /** Changes of one spec field each, named by the field. */
  enum Edit {
    EXTERNAL_REPLICAS(
        r -> {
          ScalingSpec scaling = new ScalingSpec();
          scaling.setActuator(ScalingActuator.EXTERNAL);
          r.getSpec().setScaling(scaling);
          r.getSpec().setReplicas(3);
        }),
    SCALING_TARGETS(
        r -> {
          ScalingSpec scaling = new ScalingSpec();
          scaling.getTargets().setP95LatencyMs(900);
          r.getSpec().setScaling(scaling);
        }),
    CACHE_SIZE(r -> r.getSpec().getModel().getCache().getPvc().setSize(new Quantity("80Gi"))),
    SCALING(
        r -> {
          ScalingSpec scaling = new ScalingSpec();
          scaling.setMaxReplicas(9);
          r.getSpec().setScaling(scaling);
        }),
    MODES(
        r -> {
          ModesSpec modes = new ModesSpec();
          modes.setMix(new ModeMix(50, 0, 50));
          r.getSpec().setModes(modes);
        }),
    TENANT_ADDED(
        r ->
            r.getSpec()
                .setTenants(
                    List.of(SampleFleets.tenant("search"), SampleFleets.tenant("support")))),
    TENANT_KEY(r -> r.getSpec().getTenants().getFirst().getApiKeySecretRef().setName("rotated")),
    TENANT_TOKENS_PER_MINUTE(r -> r.getSpec().getTenants().getFirst().setTokensPerMinute(1_000L)),
    TENANT_MAX_CONCURRENT_REQUESTS(
        r -> r.getSpec().getTenants().getFirst().setMaxConcurrentRequests(2)),
    TENANT_WEIGHT(r -> r.getSpec().getTenants().getFirst().setWeight(9)),
    MODEL(r -> r.getSpec().getModel().setSize(ModelSize.SIZE_3B)),
    QUANTIZATION(r -> r.getSpec().setQuantization(Quantization.INT8)),
    GPU(r -> r.getSpec().getGpu().setGpuClass(GpuClass.H200)),
    MAX_CONTEXT_LENGTH(r -> r.getSpec().setMaxContextLength(4096)),
    MAX_CONCURRENT_SEQUENCES(r -> r.getSpec().setMaxConcurrentSequences(4)),
    RUNTIME_IMAGE(
        r -> {
          r.getSpec().setTemplate(new PodTemplateOverrides());
          r.getSpec().getTemplate().setImage("nemotron-inference-pod:0.2.0-rc1");
        });

    final Consumer<NemotronDiffusionDeployment> apply;

    Edit(Consumer<NemotronDiffusionDeployment> apply) {
      this.apply = apply;
    }
  }

  /** The sample with one tenant, so that edits of a tenant have one to change. */
  private static NemotronDiffusionDeployment sampleWithTenant() {
    NemotronDiffusionDeployment resource = sample();
    resource.getSpec().setTenants(List.of(SampleFleets.tenant("search")));
    return resource;
  }

  /**
   * The pod template changes exactly when the classifier says pods roll; a reload changes the
   * ConfigMap only, which the running pods pick up; anything less touches neither.
   */
  @ParameterizedTest
  @EnumSource(Edit.class)
  void podTemplateChangesExactlyWhenTheClassifierSaysPodsRoll(Edit edit) {
    NemotronDiffusionDeployment before = sampleWithTenant();
    NemotronDiffusionDeployment after = sampleWithTenant();
    edit.apply.accept(after);

    SpecChange meaning = SpecDiff.between(Optional.of(before.getSpec()), after.getSpec()).meaning();
    var templateBefore = DesiredDeployment.of(fleet(before)).getSpec().getTemplate();
    var templateAfter = DesiredDeployment.of(fleet(after)).getSpec().getTemplate();
    var configBefore = DesiredConfigMap.of(fleet(before)).getData();
    var configAfter = DesiredConfigMap.of(fleet(after)).getData();

    assertThat(meaning).isNotEqualTo(SpecChange.NONE);
    if (meaning == SpecChange.ROLL_PODS) {
      assertThat(templateAfter).isNotEqualTo(templateBefore);
    } else {
      assertThat(templateAfter).isEqualTo(templateBefore);
    }
    if (meaning == SpecChange.RELOAD_CONFIGURATION) {
      assertThat(configAfter).isNotEqualTo(configBefore);
    } else if (meaning.compareTo(SpecChange.RELOAD_CONFIGURATION) < 0) {
      assertThat(configAfter).isEqualTo(configBefore);
    }
  }
}
