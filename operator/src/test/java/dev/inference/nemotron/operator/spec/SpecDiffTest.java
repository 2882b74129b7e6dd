package dev.inference.nemotron.operator.spec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.inference.nemotron.api.v1alpha1.ModelSize;
import dev.inference.nemotron.api.v1alpha1.NemotronDiffusionDeploymentSpec;
import dev.inference.nemotron.operator.SampleFleets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SpecDiffTest {

  private static NemotronDiffusionDeploymentSpec spec() {
    return SampleFleets.chat8b("a", "b").getSpec();
  }

  @Test
  void replicasAloneOnlyScale() {
    NemotronDiffusionDeploymentSpec after = spec();
    after.setReplicas(4);

    SpecDiff diff = SpecDiff.between(Optional.of(spec()), after);

    assertThat(diff.meaning()).isEqualTo(SpecChange.SCALE);
    assertThat(diff.fields()).isEqualTo("replicas");
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
    after.setTenants(List.of(SampleFleets.tenant("search")));

    SpecDiff diff = SpecDiff.between(Optional.of(spec()), after);

    assertThat(diff.meaning()).isEqualTo(SpecChange.ROLL_PODS);
    assertThat(diff.fields()).isEqualTo("replicas, tenants, model");
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
