package dev.inference.nemotron.operator.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.inference.nemotron.api.v1alpha1.DiffusionSpec;
import dev.inference.nemotron.api.v1alpha1.GpuClass;
import dev.inference.nemotron.api.v1alpha1.GpuSpec;
import dev.inference.nemotron.api.v1alpha1.ModeMix;
import dev.inference.nemotron.api.v1alpha1.ModelSize;
import dev.inference.nemotron.api.v1alpha1.ModelSource;
import dev.inference.nemotron.api.v1alpha1.ModelSpec;
import dev.inference.nemotron.api.v1alpha1.ModelVariant;
import dev.inference.nemotron.api.v1alpha1.ModesSpec;
import dev.inference.nemotron.api.v1alpha1.NemotronDiffusionDeployment;
import dev.inference.nemotron.api.v1alpha1.NemotronDiffusionDeploymentSpec;
import dev.inference.nemotron.api.v1alpha1.PodTemplateOverrides;
import dev.inference.nemotron.api.v1alpha1.Quantization;
import dev.inference.nemotron.api.v1alpha1.SecretKeyRef;
import dev.inference.nemotron.api.v1alpha1.SelfSpeculationSpec;
import dev.inference.nemotron.api.v1alpha1.SelfSpeculationVariant;
import dev.inference.nemotron.api.v1alpha1.TenantSpec;
import dev.inference.nemotron.operator.SampleFleets;
import dev.inference.nemotron.operator.config.GpuPlacement;
import dev.inference.nemotron.operator.config.OperatorSettings;
import dev.inference.nemotron.operator.desired.Fleet;
import dev.inference.nemotron.operator.sizing.MemoryEstimate;
import dev.inference.nemotron.operator.sizing.ModelSizing;
import dev.inference.nemotron.operator.spec.HostPathPolicy;
import dev.inference.nemotron.operator.spec.ModelSourceUri;
import dev.inference.nemotron.operator.spec.SpecSizing;
import dev.inference.nemotron.operator.spec.SpecValidation;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * Custom resources for the contract test, turned into {@link Fleet}s the way the reconciler does:
 * validated, sized, and only then rendered.
 */
final class ContractFleets {

  /** Node directories file:// sources may use (as cpu-tiny.yaml documents). */
  static final List<String> HOST_PATH_PREFIXES = List.of("/var/lib/ndd/models");

  /** The API's published examples, the files users apply. */
  private static final Path EXAMPLES = Path.of("..", "crds", "examples");

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private ContractFleets() {}

  /** Operator settings as the Helm chart would give them. */
  record Settings(String image) implements OperatorSettings {
    @Override
    public String imagePullPolicy() {
      return "IfNotPresent";
    }

    @Override
    public String namespace() {
      return "nemotron-system";
    }

    @Override
    public Optional<List<String>> scrapeNamespaces() {
      return Optional.of(List.of("monitoring"));
    }

    @Override
    public Optional<List<GpuPlacement>> gpuPlacement() {
      return Optional.empty();
    }

    @Override
    public Optional<List<String>> allowedHostPathPrefixes() {
      return Optional.of(HOST_PATH_PREFIXES);
    }

    @Override
    public long runAsUser() {
      return 10001;
    }

    @Override
    public Duration fetchDeadline() {
      return Duration.ofHours(6);
    }

    @Override
    public Duration fetchRetention() {
      return Duration.ofHours(24);
    }

    @Override
    public String fetchCpu() {
      return "500m";
    }

    @Override
    public String fetchMemory() {
      return "1Gi";
    }
  }

  /**
   * The fleet the reconciler would build: the spec must be valid and fit its GPU class. The
   * resource gets the uid the API server would have given it (owner references need it).
   */
  static Fleet accepted(NemotronDiffusionDeployment resource) {
    String name = resource.getMetadata().getNamespace() + "/" + resource.getMetadata().getName();
    resource
        .getMetadata()
        .setUid(UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString());
    NemotronDiffusionDeploymentSpec spec = resource.getSpec();
    assertThat(SpecValidation.problems(spec, new HostPathPolicy(HOST_PATH_PREFIXES)))
        .as("validation problems of %s", resource.getMetadata().getName())
        .isEmpty();
    MemoryEstimate sizing = ModelSizing.estimate(SpecSizing.request(spec));
    assertThat(sizing.fits()).as(sizing.explanation()).isTrue();
    return new Fleet(
        resource,
        ModelSourceUri.parse(spec.getModel().getSource().getUri()).orElseThrow(),
        SpecSizing.gpuClass(spec),
        sizing,
        1,
        new Settings("nemotron-inference-pod:contract"));
  }

  /**
   * A CPU fleet reading a checkpoint in place from a claim's sub-directory, with a draft adapter, a
   * 20/30/50 mode mix with its own block sizes, and two tenants: one with every limit, one keyed
   * under a non-default Secret key with only a concurrency limit.
   */
  static NemotronDiffusionDeployment cpuFromClaim() {
    ModelSource source = new ModelSource();
    source.setUri("pvc://model-store/nemotron-labs-diffusion-3b-instruct");
    ModelSpec model = new ModelSpec();
    model.setSize(ModelSize.SIZE_3B);
    model.setVariant(ModelVariant.INSTRUCT);
    model.setSource(source);
    model.setDraftAdapter("linear_spec_lora");
    GpuSpec gpu = new GpuSpec();
    gpu.setGpuClass(GpuClass.CPU);
    gpu.setCount(0);

    DiffusionSpec diffusion = new DiffusionSpec();
    diffusion.setBlockSize(8);
    diffusion.setThreshold(0.85);
    SelfSpeculationSpec speculation = new SelfSpeculationSpec();
    speculation.setBlockSize(8);
    speculation.setVariant(SelfSpeculationVariant.LINEAR);
    ModesSpec modes = new ModesSpec();
    modes.setMix(new ModeMix(20, 30, 50));
    modes.setDiffusion(diffusion);
    modes.setSelfSpeculation(speculation);

    TenantSpec search = SampleFleets.tenant("search");
    SecretKeyRef evalKey = new SecretKeyRef();
    evalKey.setName("batch-keys");
    evalKey.setKey("eval");
    TenantSpec batch = new TenantSpec();
    batch.setName("batch-eval");
    batch.setApiKeySecretRef(evalKey);
    batch.setMaxConcurrentRequests(4);

    NemotronDiffusionDeploymentSpec spec = new NemotronDiffusionDeploymentSpec();
    spec.setModel(model);
    spec.setQuantization(Quantization.INT8);
    spec.setGpu(gpu);
    spec.setMaxContextLength(2048);
    spec.setMaxConcurrentSequences(4);
    spec.setModes(modes);
    spec.setTenants(List.of(search, batch));
    return resource("tiny-cpu", "contract", spec);
  }

  /**
   * The DESIGN.md example (hf:// source with a weight cache, whose replicas wait for the download
   * Job) on the CPU class, so that this machine can run it.
   */
  static NemotronDiffusionDeployment cachedDownloadOnCpu() {
    NemotronDiffusionDeployment resource = SampleFleets.chat8b("chat-8b", "contract");
    resource.getSpec().getGpu().setGpuClass(GpuClass.CPU);
    resource.getSpec().getGpu().setCount(0);
    resource.getSpec().setQuantization(Quantization.INT8);
    return resource;
  }

  /** The DESIGN.md example with every optional field of the spec set. */
  static NemotronDiffusionDeployment everyOptionalField() {
    NemotronDiffusionDeployment resource = SampleFleets.chat8b("all-fields", "contract");
    NemotronDiffusionDeploymentSpec spec = resource.getSpec();
    spec.getModel().setVariant(ModelVariant.BASE);
    spec.getModel().setDraftAdapter("linear_spec_lora");
    spec.setQuantization(Quantization.FP8);
    spec.getGpu().setGpuClass(GpuClass.H200);
    spec.getGpu().setCount(1);
    spec.setModes(cpuFromClaim().getSpec().getModes());
    spec.getModes().getSelfSpeculation().setVariant(SelfSpeculationVariant.QUADRATIC);
    spec.setTenants(cpuFromClaim().getSpec().getTenants());
    PodTemplateOverrides template = new PodTemplateOverrides();
    template.setPriorityClassName("inference-high");
    template.setNodeSelector(Map.of("node-pool", "gpu"));
    template.setLabels(Map.of("cost-center", "platform"));
    template.setAnnotations(Map.of("prometheus.io/scrape", "true"));
    spec.setTemplate(template);
    return resource;
  }

  /** A node directory mounted read-only (hostPath): the checkpoint is the mount itself. */
  static NemotronDiffusionDeployment fromNodeDirectory() {
    NemotronDiffusionDeployment resource = cpuFromClaim();
    resource.getMetadata().setName("from-node");
    resource
        .getSpec()
        .getModel()
        .getSource()
        .setUri("file:///var/lib/ndd/models/nemotron-labs-diffusion-3b-instruct");
    return resource;
  }

  /**
   * The lowest value of every bounded field the CRD schema allows (one tenant with a one-letter
   * name; the smallest GPU class the 3B model fits).
   */
  static NemotronDiffusionDeployment schemaMinimums() {
    NemotronDiffusionDeployment resource = cpuFromClaim();
    resource.getMetadata().setName("minimums");
    NemotronDiffusionDeploymentSpec spec = resource.getSpec();
    spec.getModel().setVariant(ModelVariant.BASE);
    spec.setQuantization(Quantization.INT4);
    spec.getGpu().setGpuClass(GpuClass.L4);
    spec.getGpu().setCount(1);
    spec.setMaxContextLength(256);
    spec.setMaxConcurrentSequences(1);
    spec.getModes().setMix(new ModeMix(0, 100, 0));
    spec.getModes().getDiffusion().setBlockSize(2);
    spec.getModes().getDiffusion().setThreshold(0.0001);
    spec.getModes().getSelfSpeculation().setBlockSize(2);
    spec.getModes().getSelfSpeculation().setVariant(SelfSpeculationVariant.QUADRATIC);
    TenantSpec tenant = SampleFleets.tenant("a");
    tenant.setTokensPerMinute(1L);
    tenant.setMaxConcurrentRequests(1);
    tenant.setWeight(1);
    spec.setTenants(List.of(tenant));
    return resource;
  }

  /**
   * The highest value of every bounded field the CRD schema allows: 64 tenants with 63-letter
   * names, on the CPU class (whose memory is the pod's, so any context fits).
   */
  static NemotronDiffusionDeployment schemaMaximums() {
    NemotronDiffusionDeployment resource = cpuFromClaim();
    resource.getMetadata().setName("maximums");
    NemotronDiffusionDeploymentSpec spec = resource.getSpec();
    spec.setQuantization(Quantization.BF16);
    spec.setMaxContextLength(262144);
    spec.setMaxConcurrentSequences(1024);
    spec.getModes().setMix(new ModeMix(100, 0, 0));
    spec.getModes().getDiffusion().setBlockSize(128);
    spec.getModes().getDiffusion().setThreshold(1.0);
    spec.getModes().getSelfSpeculation().setBlockSize(128);
    spec.getModes().getSelfSpeculation().setVariant(SelfSpeculationVariant.LINEAR);
    spec.setTenants(
        IntStream.range(0, 64)
            .mapToObj(
                i -> {
                  TenantSpec tenant = SampleFleets.tenant("t%062d".formatted(i));
                  tenant.setTokensPerMinute(Long.MAX_VALUE);
                  tenant.setMaxConcurrentRequests(100_000);
                  tenant.setWeight(1000);
                  return tenant;
                })
            .toList());
    return resource;
  }

  /** The published examples of crds/examples. */
  static Stream<NemotronDiffusionDeployment> publishedExamples() {
    try (Stream<Path> files = Files.list(EXAMPLES)) {
      return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList().stream()
          .map(ContractFleets::read);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every fleet the document and pod template checks cover. */
  static Stream<NemotronDiffusionDeployment> all() {
    return Stream.concat(
        Stream.of(
            cpuFromClaim(),
            cachedDownloadOnCpu(),
            everyOptionalField(),
            fromNodeDirectory(),
            schemaMinimums(),
            schemaMaximums()),
        publishedExamples());
  }

  private static NemotronDiffusionDeployment read(Path file) {
    try {
      return YAML.readValue(file.toFile(), NemotronDiffusionDeployment.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static NemotronDiffusionDeployment resource(
      String name, String namespace, NemotronDiffusionDeploymentSpec spec) {
    NemotronDiffusionDeployment resource = new NemotronDiffusionDeployment();
    resource.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
    resource.setSpec(spec);
    return resource;
  }
}
