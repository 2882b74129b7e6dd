package dev.inference.nemotron.operator.desired;

import static org.assertj.core.api.Assertions.assertThat;

import dev.inference.nemotron.api.v1alpha1.NemotronDiffusionDeployment;
import dev.inference.nemotron.operator.SampleFleets;
import dev.inference.nemotron.operator.sizing.ModelSizing;
import dev.inference.nemotron.operator.spec.ModelSourceUri;
import dev.inference.nemotron.operator.spec.SpecSizing;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Where the rendered pod template of a GPU fleet may run, under the operator's {@code
 * gpu-placement} setting: the product-label affinity by default, none with {@code resource-only}.
 */
class NodePlacementTest {

  private static PodSpec podOf(NemotronDiffusionDeployment resource, TestSettings settings) {
    var spec = resource.getSpec();
    Fleet fleet =
        new Fleet(
            resource,
            ModelSourceUri.parse(spec.getModel().getSource().getUri()).orElseThrow(),
            SpecSizing.gpuClass(spec),
            ModelSizing.estimate(SpecSizing.request(spec)),
            1,
            settings);
    return InferencePodTemplate.of(fleet).getSpec();
  }

  private static List<String> requiredProducts(PodSpec pod) {
    var terms =
        pod.getAffinity()
            .getNodeAffinity()
            .getRequiredDuringSchedulingIgnoredDuringExecution()
            .getNodeSelectorTerms();
    assertThat(terms).hasSize(1);
    var expression = terms.getFirst().getMatchExpressions().getFirst();
    assertThat(expression.getKey()).isEqualTo("nvidia.com/gpu.product");
    assertThat(expression.getOperator()).isEqualTo("In");
    return expression.getValues();
  }

  @Test
  void byDefaultAnH100PodRequiresAnH100ProductLabel() {
    PodSpec pod = podOf(SampleFleets.chat8b("chat-8b", "team-a"), TestSettings.DEFAULT);

    assertThat(requiredProducts(pod)).contains("NVIDIA-H100-80GB-HBM3", "NVIDIA-H100-PCIe");
  }

  @Test
  void resourceOnlyLeavesTheGpuRequestAndTolerationAndNoAffinity() {
    PodSpec pod =
        podOf(
            SampleFleets.chat8b("chat-8b", "team-a"),
            TestSettings.DEFAULT.withGpuPlacement("*=resource-only"));

    assertThat(pod.getAffinity()).isNull();
    assertThat(pod.getContainers().getFirst().getResources().getLimits())
        .containsEntry("nvidia.com/gpu", new Quantity("1"));
    assertThat(pod.getTolerations())
        .anySatisfy(t -> assertThat(t.getKey()).isEqualTo("nvidia.com/gpu"));
  }

  @Test
  void listedProductLabelsReplaceTheKnownSpellingsForThatClassOnly() {
    TestSettings settings =
        TestSettings.DEFAULT.withGpuPlacement("H100=MY-H100", "L4=resource-only");

    assertThat(requiredProducts(podOf(SampleFleets.chat8b("chat-8b", "team-a"), settings)))
        .containsExactly("MY-H100");
  }
}
