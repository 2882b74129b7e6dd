package dev.inference.nemotron.operator.spec;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.inference.nemotron.api.v1alpha1.GpuClass;
import dev.inference.nemotron.api.v1alpha1.GpuSpec;
import dev.inference.nemotron.api.v1alpha1.ModelSize;
import dev.inference.nemotron.api.v1alpha1.ModelSource;
import dev.inference.nemotron.api.v1alpha1.ModelSpec;
import dev.inference.nemotron.api.v1alpha1.NemotronDiffusionDeployment;
import dev.inference.nemotron.api.v1alpha1.NemotronDiffusionDeploymentSpec;
import dev.inference.nemotron.operator.sizing.MemoryEstimate;
import dev.inference.nemotron.operator.sizing.ModelSizing;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The API's published examples and defaults pass the operator's own validation and sizing: an
 * example a user copies must not end in {@code SizingRejected}. The examples are read from the crds
 * module's source tree, the files users apply.
 */
class ApiExamplesSizingTest {

  private static final Path EXAMPLES = Path.of("..", "crds", "examples");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final double GIB = 1024.0 * 1024 * 1024;

  static Stream<Path> examples() throws IOException {
    try (Stream<Path> files = Files.list(EXAMPLES)) {
      return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList().stream();
    }
  }

  private static NemotronDiffusionDeploymentSpec read(Path file) throws IOException {
    return YAML.readValue(file.toFile(), NemotronDiffusionDeployment.class).getSpec();
  }

  @Test
  void everyDocumentedExampleIsPresent() throws IOException {
    assertThat(examples().map(p -> p.getFileName().toString()))
        .contains("cpu-tiny.yaml", "h100-8b.yaml", "multi-tenant.yaml");
  }

  @ParameterizedTest
  @MethodSource("examples")
  void examplePassesValidationAndFitsItsGpuClass(Path file) throws IOException {
    NemotronDiffusionDeploymentSpec spec = read(file);

    // cpu-tiny.yaml reads a node directory: valid where the operator allows that prefix
    HostPathPolicy hostPaths = new HostPathPolicy(List.of("/var/lib/ndd/models"));
    assertThat(SpecValidation.problems(spec, hostPaths))
        .as("%s: validation problems", file)
        .isEmpty();
    MemoryEstimate sizing = ModelSizing.estimate(SpecSizing.request(spec));
    assertThat(sizing.fits()).as("%s: %s", file, sizing.explanation()).isTrue();
  }

  @Test
  void theEightBBf16H100ExampleFitsOneH100WithItsKvCacheForSixteenSequencesOf16K()
      throws IOException {
    NemotronDiffusionDeploymentSpec spec = read(EXAMPLES.resolve("h100-8b.yaml"));
    MemoryEstimate sizing = ModelSizing.estimate(SpecSizing.request(spec));

    assertThat(sizing.fits()).as(sizing.explanation()).isTrue();
    assertThat(sizing.explanation())
        .startsWith("model 8B at bf16 needs")
        .endsWith("GPU class H100 has 79.6 GiB: fits");
    // 34 layers x K and V x 8 heads x 128 x 2 bytes = 136 KiB per token, for 16 x 16384 tokens
    assertThat(sizing.kvCacheBytes()).isEqualTo(34L * 2 * 8 * 128 * 2 * 16 * 16384);
    assertThat(sizing.requiredBytes() / GIB).isLessThan(60);
  }

  @Test
  void theApiDefaultsFitTheDesignsEightBBf16OnOneH100() {
    NemotronDiffusionDeploymentSpec spec = minimal(ModelSize.SIZE_8B, GpuClass.H100);

    MemoryEstimate sizing = ModelSizing.estimate(SpecSizing.request(spec));

    assertThat(spec.getMaxContextLength()).isEqualTo(8192);
    assertThat(spec.getMaxConcurrentSequences()).isEqualTo(8);
    assertThat(sizing.fits()).as(sizing.explanation()).isTrue();
    assertThat(sizing.kvCacheBytes()).isEqualTo(34L * 2 * 8 * 128 * 2 * 8 * 8192);
  }

  @Test
  void theApiDefaultsStillRejectFourteenBBf16OnL4() {
    MemoryEstimate sizing =
        ModelSizing.estimate(SpecSizing.request(minimal(ModelSize.SIZE_14B, GpuClass.L4)));

    assertThat(sizing.fits()).isFalse();
    assertThat(sizing.explanation()).contains("GPU class L4 has 22.5 GiB");
  }

  /** A spec as a user writes it with only the required fields; the rest are the API's defaults. */
  private static NemotronDiffusionDeploymentSpec minimal(ModelSize size, GpuClass gpuClass) {
    ModelSource source = new ModelSource();
    source.setUri("hf://nvidia/Nemotron-Labs-Diffusion");
    ModelSpec model = new ModelSpec();
    model.setSize(size);
    model.setSource(source);
    GpuSpec gpu = new GpuSpec();
    gpu.setGpuClass(gpuClass);
    gpu.setCount(1);
    NemotronDiffusionDeploymentSpec spec = new NemotronDiffusionDeploymentSpec();
    spec.setModel(model);
    spec.setGpu(gpu);
    return spec;
  }
}
