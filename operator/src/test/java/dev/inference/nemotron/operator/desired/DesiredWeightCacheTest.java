package dev.inference.nemotron.operator.desired;

import static org.assertj.core.api.Assertions.assertThat;

import dev.inference.nemotron.api.v1alpha1.CacheAccessMode;
import dev.inference.nemotron.api.v1alpha1.NemotronDiffusionDeployment;
import dev.inference.nemotron.api.v1alpha1.ScalingSpec;
import dev.inference.nemotron.operator.SampleFleets;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The weight cache claim's access mode: the spec's, else one the fleet's scaling needs. */
class DesiredWeightCacheTest {

  private static NemotronDiffusionDeployment withMaxReplicas(int maxReplicas) {
    NemotronDiffusionDeployment resource = SampleFleets.chat8b("chat-8b", "team-a");
    ScalingSpec scaling = new ScalingSpec();
    scaling.setMinReplicas(1);
    scaling.setMaxReplicas(maxReplicas);
    resource.getSpec().setScaling(scaling);
    return resource;
  }

  private static PersistentVolumeClaim claim(NemotronDiffusionDeployment resource) {
    return DesiredWeightCache.of(DesiredObjectsTest.fleet(resource));
  }

  @Test
  void aSingleReplicaFleetAsksForReadWriteOnceWhichEveryStorageClassOffers() {
    assertThat(claim(withMaxReplicas(1)).getSpec().getAccessModes())
        .containsExactly("ReadWriteOnce");
  }

  @Test
  void aFleetThatMayGrowPastOneReplicaAsksForReadWriteManyByDefault() {
    assertThat(claim(withMaxReplicas(3)).getSpec().getAccessModes())
        .containsExactly("ReadWriteMany");
  }

  @Test
  void anExplicitAccessModeWinsOverTheScalingDefault() {
    NemotronDiffusionDeployment resource = withMaxReplicas(3);
    resource
        .getSpec()
        .getModel()
        .getCache()
        .getPvc()
        .setAccessMode(CacheAccessMode.READ_WRITE_ONCE);

    PersistentVolumeClaim claim = claim(resource);

    assertThat(claim.getSpec().getAccessModes()).containsExactly("ReadWriteOnce");
    assertThat(claim.getSpec().getStorageClassName()).isEqualTo("fast");
  }

  /** The claim as the API server holds it after creation: class defaulted, access mode kept. */
  private static PersistentVolumeClaim existing(String storageClass, String mode, String size) {
    return new PersistentVolumeClaimBuilder()
        .withNewMetadata()
        .withName("chat-8b-weights")
        .endMetadata()
        .withNewSpec()
        .withAccessModes(mode)
        .withStorageClassName(storageClass)
        .withNewResources()
        .addToRequests("storage", new Quantity(size))
        .endResources()
        .endSpec()
        .build();
  }

  @Test
  void anExistingClaimGrowsToALargerSpecSizeButKeepsItsClassAndAccessMode() {
    NemotronDiffusionDeployment resource = withMaxReplicas(3);
    resource.getSpec().getModel().getCache().getPvc().setSize(new Quantity("80Gi"));
    resource.getSpec().getModel().getCache().getPvc().setStorageClassName("other");

    PersistentVolumeClaim claim =
        DesiredWeightCache.of(
            DesiredObjectsTest.fleet(resource),
            Optional.of(existing("fast", "ReadWriteOnce", "40Gi")));

    assertThat(claim.getSpec().getResources().getRequests())
        .containsEntry("storage", new Quantity("80Gi"));
    assertThat(claim.getSpec().getStorageClassName()).isEqualTo("fast");
    assertThat(claim.getSpec().getAccessModes()).containsExactly("ReadWriteOnce");
  }

  @Test
  void anExistingClaimNeverShrinksEvenWhenTheSpecAsksForLessInOtherUnits() {
    NemotronDiffusionDeployment resource = withMaxReplicas(1);
    resource.getSpec().getModel().getCache().getPvc().setSize(new Quantity("30G"));

    PersistentVolumeClaim claim =
        DesiredWeightCache.of(
            DesiredObjectsTest.fleet(resource),
            Optional.of(existing("fast", "ReadWriteOnce", "40Gi")));

    assertThat(claim.getSpec().getResources().getRequests())
        .containsEntry("storage", new Quantity("40Gi"));
  }
}
