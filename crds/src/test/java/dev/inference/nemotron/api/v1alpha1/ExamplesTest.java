package dev.inference.nemotron.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The example CRs in crds/examples are valid and read into the Java types without loss. */
class ExamplesTest {

  /** Strict: a field the Java types do not know is an error, not silently dropped. */
  private static final ObjectMapper STRICT =
      new ObjectMapper(new YAMLFactory()).enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /** Compares numbers by value, so that 200000 read as int equals 200000 written from a long. */
  private static final Comparator<JsonNode> BY_VALUE =
      (a, b) ->
          a.isNumber() && b.isNumber()
              ? Double.compare(a.doubleValue(), b.doubleValue())
              : a.equals(b) ? 0 : 1;

  static Stream<String> examples() throws IOException {
    try (Stream<Path> files = Files.list(Admission.EXAMPLES)) {
      return files
          .map(f -> f.getFileName().toString())
          .filter(n -> n.endsWith(".yaml"))
          .sorted()
          .toList()
          .stream();
    }
  }

  @Test
  void theThreeDocumentedExamplesExist() throws IOException {
    assertThat(examples()).contains("cpu-tiny.yaml", "h100-8b.yaml", "multi-tenant.yaml");
  }

  @ParameterizedTest
  @MethodSource("examples")
  void passesTheSchemaAndEveryCelRule(String file) {
    Admission.Result result = Admission.admit(Admission.example(file));
    assertThat(result.schemaErrors()).as("%s: schema errors", file).isEmpty();
    assertThat(result.ruleViolations()).as("%s: CEL rule violations", file).isEmpty();
  }

  @ParameterizedTest
  @MethodSource("examples")
  void readsIntoTheJavaTypesAndWritesBackTheSameSpec(String file) throws IOException {
    JsonNode defaulted = Admission.admit(Admission.example(file)).defaulted();
    NemotronDiffusionDeployment cr =
        STRICT.treeToValue(defaulted, NemotronDiffusionDeployment.class);
    assertThat(cr.getMetadata().getName()).isNotBlank();
    assertThat(cr.getSpec().getModel().getSize()).isNotNull();
    JsonNode written = STRICT.valueToTree(cr.getSpec());
    assertThat(written.equals(BY_VALUE, defaulted.get("spec")))
        .as(
            "%s: spec after a round trip through the Java types%n%s%nvs%n%s",
            file, written.toPrettyString(), defaulted.get("spec").toPrettyString())
        .isTrue();
  }

  @ParameterizedTest
  @MethodSource("examples")
  void doesNotContradictItself(String file) throws IOException {
    NemotronDiffusionDeploymentSpec spec =
        STRICT
            .treeToValue(
                Admission.admit(Admission.example(file)).defaulted(),
                NemotronDiffusionDeployment.class)
            .getSpec();
    // spec.replicas is the external autoscaler's (written through /scale) and ignored by the
    // builtin one: an example that sets it either fights the HPA or shows a value with no effect
    assertThat(spec.getReplicas()).as("%s: spec.replicas", file).isNull();
    // the runtime downloads hf:// and reads pvc:// and file:// in place; s3:// and oci:// are
    // reserved (ndd fetch refuses them), so an example with them could not start
    assertThat(spec.getModel().getSource().getUri())
        .as("%s: model.source.uri", file)
        .matches("^(hf|pvc|file)://.*");
  }

  @Test
  void theH100ExampleReadsAsTheDesignDescribesIt() throws IOException {
    JsonNode defaulted = Admission.admit(Admission.example("h100-8b.yaml")).defaulted();
    NemotronDiffusionDeploymentSpec spec =
        STRICT.treeToValue(defaulted, NemotronDiffusionDeployment.class).getSpec();
    assertThat(spec.getModel().getSize()).isEqualTo(ModelSize.SIZE_8B);
    assertThat(spec.getQuantization()).isEqualTo(Quantization.BF16);
    assertThat(spec.getGpu().getGpuClass()).isEqualTo(GpuClass.H100);
    assertThat(spec.getGpu().getCount()).isEqualTo(1);
    assertThat(spec.getModel().getCache().getPvc().getSize().toString()).isEqualTo("40Gi");
    assertThat(spec.getModes().getMix().getSelfSpeculation()).isEqualTo(50);
    assertThat(spec.getScaling().getActuator()).isEqualTo(ScalingActuator.BUILTIN);
    assertThat(spec.getTemplate().getTolerations()).hasSize(1);
  }

  @Test
  void theMultiTenantExampleGetsTheDefaultSecretKeyAndWeight() throws IOException {
    JsonNode defaulted = Admission.admit(Admission.example("multi-tenant.yaml")).defaulted();
    List<TenantSpec> tenants =
        STRICT.treeToValue(defaulted, NemotronDiffusionDeployment.class).getSpec().getTenants();
    assertThat(tenants)
        .extracting(TenantSpec::getName)
        .containsExactly("search", "support", "batch-eval");
    assertThat(tenants.get(0).getApiKeySecretRef().getKey()).isEqualTo("api-key");
    assertThat(tenants.get(1).getWeight()).isEqualTo(1);
    assertThat(tenants.get(2).getApiKeySecretRef().getKey()).isEqualTo("eval");
  }
}
