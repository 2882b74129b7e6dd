package dev.inference.nemotron.operator.spec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.inference.nemotron.api.v1alpha1.GpuClass;
import dev.inference.nemotron.api.v1alpha1.ModesSpec;
import dev.inference.nemotron.api.v1alpha1.NemotronDiffusionDeploymentSpec;
import dev.inference.nemotron.api.v1alpha1.PodTemplateOverrides;
import dev.inference.nemotron.api.v1alpha1.Quantization;
import dev.inference.nemotron.api.v1alpha1.SelfSpeculationSpec;
import dev.inference.nemotron.operator.SampleFleets;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Specs a CRD without its CEL rules (or an older one) lets through become problems that name the
 * field, never an exception.
 */
class SpecValidationTest {

  private static NemotronDiffusionDeploymentSpec sample() {
    return SampleFleets.chat8b("chat-8b", "team-a").getSpec();
  }

  @Test
  void sampleIsValid() {
    assertThat(SpecValidation.problems(sample(), HostPathPolicy.NONE)).isEmpty();
  }

  @Test
  void fp8OnAmpereIsRefusedNamingTheClassesWithFp8() {
    NemotronDiffusionDeploymentSpec spec = sample();
    spec.setQuantization(Quantization.FP8);
    spec.getGpu().setGpuClass(GpuClass.A100_80GB);

    assertThat(SpecValidation.problems(spec, HostPathPolicy.NONE))
        .containsExactly(
            "spec.quantization fp8 needs FP8 hardware, which GPU class A100-80GB lacks: choose"
                + " bf16, int8 or int4, or a GPU class with FP8 (H100, H200, B200, GB200, L40S, L4)");
  }

  @Test
  void moreThanOneGpuPerReplicaIsRefusedPointingToReplicas() {
    NemotronDiffusionDeploymentSpec spec = sample();
    spec.getGpu().setCount(2);

    assertThat(SpecValidation.problems(spec, HostPathPolicy.NONE))
        .singleElement()
        .asString()
        .contains("spec.gpu.count above 1 is not supported")
        .contains("spec.replicas");
  }

  @Test
  void fp8OnTheCpuBackendIsRefused() {
    NemotronDiffusionDeploymentSpec spec = sample();
    spec.setQuantization(Quantization.FP8);
    spec.getGpu().setGpuClass(GpuClass.CPU);
    spec.getGpu().setCount(0);

    assertThat(SpecValidation.problems(spec, HostPathPolicy.NONE))
        .singleElement()
        .asString()
        .startsWith("spec.quantization fp8 needs FP8 hardware, which GPU class CPU lacks");
  }

  @Test
  void fp8OnHopperIsAccepted() {
    NemotronDiffusionDeploymentSpec spec = sample();
    spec.setQuantization(Quantization.FP8);

    assertThat(SpecValidation.problems(spec, HostPathPolicy.NONE)).isEmpty();
  }

  @Test
  void dynamicResourceClaimsAreRefusedNamingTheFieldNotDropped() {
    NemotronDiffusionDeploymentSpec spec = sample();
    spec.setTemplate(new PodTemplateOverrides());
    spec.getTemplate()
        .setResources(
            new ResourceRequirementsBuilder()
                .addNewClaim()
                .withName("gpu-slice")
                .endClaim()
                .build());

    assertThat(SpecValidation.problems(spec, HostPathPolicy.NONE))
        .singleElement()
        .asString()
        .startsWith("spec.template.resources.claims is not supported");
  }

  /** A field a client sent as an explicit null, which a CRD without defaults keeps. */
  enum MissingField {
    QUANTIZATION("spec.quantization is missing", s -> s.setQuantization(null)),
    MODEL_VARIANT("spec.model.variant is missing", s -> s.getModel().setVariant(null)),
    SELF_SPECULATION_VARIANT(
        "spec.modes.selfSpeculation.variant is missing",
        s -> {
          ModesSpec modes = new ModesSpec();
          SelfSpeculationSpec speculation = new SelfSpeculationSpec();
          speculation.setVariant(null);
          modes.setSelfSpeculation(speculation);
          s.setModes(modes);
        }),
    CACHE_PVC_SIZE(
        "spec.model.cache.pvc.size is missing",
        s -> s.getModel().getCache().getPvc().setSize(null));

    final String problem;
    final Consumer<NemotronDiffusionDeploymentSpec> apply;

    MissingField(String problem, Consumer<NemotronDiffusionDeploymentSpec> apply) {
      this.problem = problem;
      this.apply = apply;
    }
  }

  @ParameterizedTest
  @EnumSource(MissingField.class)
  void missingFieldIsAProblemNamingItNotAnException(MissingField field) {
    NemotronDiffusionDeploymentSpec spec = sample();
    field.apply.accept(spec);

    assertThat(SpecValidation.problems(spec, HostPathPolicy.NONE))
        .singleElement()
        .asString()
        .startsWith(field.problem);
  }

  private static NemotronDiffusionDeploymentSpec fileSource(String uri) {
    NemotronDiffusionDeploymentSpec spec = sample();
    spec.getModel().getSource().setUri(uri);
    spec.getModel().getSource().setSecretRef(null);
    spec.getModel().setCache(null);
    return spec;
  }

  @Test
  void fileSourceIsRefusedUnlessTheOperatorAllowsHostPaths() {
    var spec = fileSource("file:///var/lib/ndd/models/8b");

    assertThat(SpecValidation.problems(spec, HostPathPolicy.NONE))
        .singleElement()
        .asString()
        .contains("mounts a directory of the node (hostPath)")
        .contains("nemotron.operator.allowed-host-path-prefixes");
  }

  @Test
  void fileSourceUnderAnAllowedPrefixIsAccepted() {
    var policy = new HostPathPolicy(List.of("/srv/models", "/var/lib/ndd/models/"));

    assertThat(SpecValidation.problems(fileSource("file:///var/lib/ndd/models/8b"), policy))
        .isEmpty();
    assertThat(SpecValidation.problems(fileSource("file:///srv/models"), policy)).isEmpty();
  }

  @Test
  void fileSourceOutsideTheAllowedPrefixesOrNotNormalizedIsRefused() {
    var policy = new HostPathPolicy(List.of("/var/lib/ndd/models"));

    assertThat(SpecValidation.problems(fileSource("file:///var/lib/ndd/models-other/8b"), policy))
        .singleElement()
        .asString()
        .contains("is outside the node directories this operator allows (/var/lib/ndd/models)");
    assertThat(SpecValidation.problems(fileSource("file:///etc"), policy))
        .singleElement()
        .asString()
        .contains("is outside");
    for (String escape :
        List.of(
            "file:///var/lib/ndd/models/../../../etc",
            "file:///var/lib/ndd/models/./8b",
            "file:///var/lib/ndd/models//8b")) {
      assertThat(SpecValidation.problems(fileSource(escape), policy))
          .as(escape)
          .singleElement()
          .asString()
          .contains("the path must be absolute and normalized");
    }
  }

  @Test
  void malformedPrefixSettingIsRefusedNamingTheSetting() {
    for (String prefix : List.of("/", "relative/models", "/var/../etc", "")) {
      org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
          .as(prefix)
          .isThrownBy(() -> new HostPathPolicy(List.of(prefix)))
          .withMessageStartingWith("nemotron.operator.allowed-host-path-prefixes: ");
    }
  }
}
