package dev.inference.nemotron.operator.spec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.inference.nemotron.api.v1alpha1.ModelSize;
import dev.inference.nemotron.api.v1alpha1.NemotronDiffusionDeploymentSpec;
import dev.inference.nemotron.api.v1alpha1.ScalingActuator;
import dev.inference.nemotron.api.v1alpha1.ScalingSpec;
import dev.inference.nemotron.operator.SampleFleets;
import io.fabric8.kubernetes.api.model.Quantity;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SpecDiffTest {

  private static NemotronDiffusionDeploymentSpec spec() {
    return SampleFleets.chat8b("a", "b").getSpec();
  }

  private static NemotronDiffusionDeploymentSpec externallyScaled() {
    NemotronDiffusionDeploymentSpec spec = spec();
    ScalingSpec scaling = new ScalingSpec();
    scaling.setActuator(ScalingActuator.EXTERNAL);
    spec.setScaling(scaling);
    return spec;
  }

  @Test
  void replicasAloneOnlyScaleUnderTheExternalActuator() {
    NemotronDiffusionDeploymentSpec after = externallyScaled();
    after.setReplicas(4);

    SpecDiff diff = SpecDiff.between(Optional.of(externallyScaled()), after);

    assertThat(diff.meaning()).isEqualTo(SpecChange.SCALE);
    assertThat(diff.fields()).isEqualTo("replicas");
  }

  @Test
  void replicasMeanNothingUnderTheBuiltinActuatorWhichNeverReadsThem() {
    NemotronDiffusionDeploymentSpec after = spec();
    after.setReplicas(4);

    assertThat(SpecDiff.between(Optional.of(spec()), after).meaning()).isEqualTo(SpecChange.NONE);
  }

  @Test
  void autoscalerTargetsAndBehaviorOnlyRetuneTheAutoscaler() {
    NemotronDiffusionDeploymentSpec after = spec();
    ScalingSpec scaling = new ScalingSpec();
    scaling.getTargets().setP95LatencyMs(900);
    scaling.getBehavior().setStabilizationSeconds(120);
    after.setScaling(scaling);

    SpecDiff diff = SpecDiff.between(Optional.of(spec()), after);

    assertThat(diff.meaning()).isEqualTo(SpecChange.RETUNE_AUTOSCALER);
    assertThat(diff.fields()).isEqualTo("scaling.targets, scaling.behavior");
  }

  @Test
  void aCacheSizeOrStorageClassChangeIsACacheChangeThatRollsNothing() {
    NemotronDiffusionDeploymentSpec after = spec();
    after.getModel().getCache().getPvc().setSize(new Quantity("80Gi"));
    after.getModel().getCache().getPvc().setStorageClassName("slow");

    SpecDiff diff = SpecDiff.between(Optional.of(spec()), after);

    assertThat(diff.meaning()).isEqualTo(SpecChange.CACHE);
    assertThat(diff.fields()).isEqualTo("model.cache.pvc");
  }

  @Test
  void removingTheCacheRollsPodsAndIsNoCacheSettingsChange() {
    NemotronDiffusionDeploymentSpec after = spec();
    after.getModel().setCache(null);

    SpecDiff diff = SpecDiff.between(Optional.of(spec()), after);

    assertThat(diff.meaning()).isEqualTo(SpecChange.ROLL_PODS);
    assertThat(diff.includes(SpecChange.CACHE)).isFalse();
  }

  @Test
  void aCacheChangeBesidesAModelChangeIsStillReportedAsACacheChange() {
    NemotronDiffusionDeploymentSpec after = spec();
    after.getModel().setSize(ModelSize.SIZE_3B);
    after.getModel().getCache().getPvc().setSize(new Quantity("80Gi"));

    SpecDiff diff = SpecDiff.between(Optional.of(spec()), after);

    assertThat(diff.includes(SpecChange.CACHE)).isTrue();
    assertThat(diff.meaningWithout(SpecChange.CACHE)).isEqualTo(SpecChange.ROLL_PODS);
  }

  /**
   * Every property of the spec (its getters) is mapped, directly or through every property of its
   * own type, so that a new spec field cannot be left out of the classification.
   */
  @Test
  void everySpecPropertyIsMappedToAMeaning() {
    List<String> unmapped = new ArrayList<>();
    collectUnmapped("", NemotronDiffusionDeploymentSpec.class, unmapped);

    assertThat(unmapped).as("spec properties missing from SpecDiff.Field").isEmpty();
  }

  private static void collectUnmapped(String prefix, Class<?> type, List<String> unmapped) {
    for (Method getter : type.getMethods()) {
      String name = getter.getName();
      if (getter.getParameterCount() != 0
          || getter.getDeclaringClass() == Object.class
          || !(name.startsWith("get") || name.startsWith("is"))) {
        continue;
      }
      String bare = name.substring(name.startsWith("get") ? 3 : 2);
      String path = prefix + Character.toLowerCase(bare.charAt(0)) + bare.substring(1);
      boolean splitIntoChildren =
          SpecDiff.mappedFields().stream().anyMatch(f -> f.startsWith(path + "."));
      if (SpecDiff.mappedFields().contains(path)) {
        continue;
      }
      if (splitIntoChildren) {
        collectUnmapped(path + ".", getter.getReturnType(), unmapped);
      } else {
        unmapped.add(path);
      }
    }
  }

  @Test
  void tenantsReloadTheConfiguration() {
    NemotronDiffusionDeploymentSpec after = spec();
    after.setTenants(List.of(SampleFleets.tenant("search")));

    assertThat(SpecDiff.between(Optional.of(spec()), after).meaning())
        .isEqualTo(SpecChange.RELOAD_CONFIGURATION);
  }

  @Test
  void aModelChangeRollsPodsEvenWithOtherChanges() {
    NemotronDiffusionDeploymentSpec after = spec();
    after.getModel().setSize(ModelSize.SIZE_3B);
    after.setReplicas(2);
    after.getModel().getCache().getPvc().setSize(new Quantity("80Gi"));
    after.setTenants(List.of(SampleFleets.tenant("search")));

    SpecDiff diff = SpecDiff.between(Optional.of(spec()), after);

    assertThat(diff.meaning()).isEqualTo(SpecChange.ROLL_PODS);
    assertThat(diff.fields()).isEqualTo("tenants, model.size, model.cache.pvc");
  }

  @Test
  void anIdenticalSpecMeansNothing() {
    assertThat(SpecDiff.between(Optional.of(spec()), spec()).meaning()).isEqualTo(SpecChange.NONE);
  }

  @Test
  void theRecordedSpecRoundTripsThroughItsJson() {
    NemotronDiffusionDeploymentSpec spec = spec();
    Optional<NemotronDiffusionDeploymentSpec> parsed = SpecDiff.parse(SpecDiff.json(spec));

    assertThat(SpecDiff.between(parsed, spec).meaning()).isEqualTo(SpecChange.NONE);
    assertThat(SpecDiff.parse("not json")).isEmpty();
  }
}
