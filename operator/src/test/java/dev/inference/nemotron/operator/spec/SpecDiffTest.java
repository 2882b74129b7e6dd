package dev.inference.nemotron.operator.spec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.inference.nemotron.api.v1alpha1.ModeMix;
import dev.inference.nemotron.api.v1alpha1.ModelSize;
import dev.inference.nemotron.api.v1alpha1.ModesSpec;
import dev.inference.nemotron.api.v1alpha1.NemotronDiffusionDeploymentSpec;
import dev.inference.nemotron.api.v1alpha1.ScalingActuator;
import dev.inference.nemotron.api.v1alpha1.ScalingSpec;
import dev.inference.nemotron.api.v1alpha1.TenantSpec;
import dev.inference.nemotron.operator.SampleFleets;
import io.fabric8.kubernetes.api.model.Quantity;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
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
        collectUnmapped(path + ".", propertyType(getter), unmapped);
      } else {
        unmapped.add(path);
      }
    }
  }

  /** The getter's type, or its element type for a list: {@code tenants.weight} is each tenant's. */
  private static Class<?> propertyType(Method getter) {
    if (List.class.isAssignableFrom(getter.getReturnType())
        && getter.getGenericReturnType() instanceof ParameterizedType list
        && list.getActualTypeArguments()[0] instanceof Class<?> element) {
      return element;
    }
    return getter.getReturnType();
  }

  @Test
  void theMappingCheckSeesIntoListsOfTenants() {
    List<String> unmapped = new ArrayList<>();
    collectUnmapped("tenants.", TenantSpec.class, unmapped);

    assertThat(unmapped).isEmpty();
    assertThat(SpecDiff.mappedFields())
        .contains("tenants.name", "tenants.apiKeySecretRef", "tenants.weight")
        .doesNotContain("tenants");
  }

  private static NemotronDiffusionDeploymentSpec withTenants(TenantSpec... tenants) {
    NemotronDiffusionDeploymentSpec spec = spec();
    spec.setTenants(List.of(tenants));
    return spec;
  }

  @Test
  void aModeMixChangeReloadsTheConfiguration() {
    NemotronDiffusionDeploymentSpec after = spec();
    ModesSpec modes = new ModesSpec();
    modes.setMix(new ModeMix(20, 30, 50));
    after.setModes(modes);

    SpecDiff diff = SpecDiff.between(Optional.of(spec()), after);

    assertThat(diff.meaning()).isEqualTo(SpecChange.RELOAD_CONFIGURATION);
    assertThat(diff.fields()).isEqualTo("modes");
  }

  @Test
  void aTenantsLimitsAndWeightReloadTheConfiguration() {
    TenantSpec changed = SampleFleets.tenant("search");
    changed.setTokensPerMinute(1_000L);
    changed.setMaxConcurrentRequests(2);
    changed.setWeight(5);

    SpecDiff diff =
        SpecDiff.between(
            Optional.of(withTenants(SampleFleets.tenant("search"))), withTenants(changed));

    assertThat(diff.meaning()).isEqualTo(SpecChange.RELOAD_CONFIGURATION);
    assertThat(diff.fields())
        .isEqualTo("tenants.tokensPerMinute, tenants.maxConcurrentRequests, tenants.weight");
  }

  @Test
  void addingATenantRollsThePodsToMountItsKeyAndIsNoLimitChange() {
    SpecDiff diff =
        SpecDiff.between(
            Optional.of(withTenants(SampleFleets.tenant("search"))),
            withTenants(SampleFleets.tenant("search"), SampleFleets.tenant("support")));

    assertThat(diff.meaning()).isEqualTo(SpecChange.ROLL_PODS);
    assertThat(diff.fields()).isEqualTo("tenants.name");
  }

  @Test
  void removingOrReorderingTenantsRollsThePods() {
    NemotronDiffusionDeploymentSpec two =
        withTenants(SampleFleets.tenant("search"), SampleFleets.tenant("support"));

    assertThat(SpecDiff.between(Optional.of(two), withTenants(SampleFleets.tenant("search"))))
        .satisfies(d -> assertThat(d.meaning()).isEqualTo(SpecChange.ROLL_PODS))
        .satisfies(d -> assertThat(d.fields()).isEqualTo("tenants.name"));
    assertThat(
            SpecDiff.between(
                    Optional.of(two),
                    withTenants(SampleFleets.tenant("support"), SampleFleets.tenant("search")))
                .meaning())
        .isEqualTo(SpecChange.ROLL_PODS);
  }

  @Test
  void anotherKeySecretForATenantRollsThePods() {
    TenantSpec rekeyed = SampleFleets.tenant("search");
    rekeyed.getApiKeySecretRef().setKey("rotated");

    SpecDiff diff =
        SpecDiff.between(
            Optional.of(withTenants(SampleFleets.tenant("search"))), withTenants(rekeyed));

    assertThat(diff.meaning()).isEqualTo(SpecChange.ROLL_PODS);
    assertThat(diff.fields()).isEqualTo("tenants.apiKeySecretRef");
  }

  @Test
  void aLimitChangeBesidesANewTenantIsReportedButThePodsRoll() {
    TenantSpec changed = SampleFleets.tenant("search");
    changed.setWeight(5);

    SpecDiff diff =
        SpecDiff.between(
            Optional.of(withTenants(SampleFleets.tenant("search"))),
            withTenants(changed, SampleFleets.tenant("support")));

    assertThat(diff.meaning()).isEqualTo(SpecChange.ROLL_PODS);
    assertThat(diff.fields()).isEqualTo("tenants.name, tenants.weight");
  }

  @Test
  void aModelChangeRollsPodsEvenWithOtherChanges() {
    NemotronDiffusionDeploymentSpec after = spec();
    after.getModel().setSize(ModelSize.SIZE_3B);
    after.setReplicas(2);
    after.getModel().getCache().getPvc().setSize(new Quantity("80Gi"));
    after.setModes(new ModesSpec());
    after.getModes().setMix(new ModeMix(20, 30, 50));

    SpecDiff diff = SpecDiff.between(Optional.of(spec()), after);

    assertThat(diff.meaning()).isEqualTo(SpecChange.ROLL_PODS);
    assertThat(diff.fields()).isEqualTo("modes, model.size, model.cache.pvc");
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
