package dev.inference.nemotron.operator.status;

import static dev.inference.nemotron.api.v1alpha1.NemotronDiffusionDeploymentStatus.MODEL_CACHED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.inference.nemotron.operator.SampleFleets;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** ModelCached while the weight cache claim waits for a volume: it names the class and mode. */
class CachePendingTest {

  private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");

  private static PersistentVolumeClaim claim(String phase) {
    return new PersistentVolumeClaimBuilder()
        .withNewMetadata()
        .withName("chat-8b-weights")
        .endMetadata()
        .withNewSpec()
        .withAccessModes("ReadWriteMany")
        .withStorageClassName("fast")
        .endSpec()
        .withNewStatus()
        .withPhase(phase)
        .endStatus()
        .build();
  }

  private static Condition modelCached(PersistentVolumeClaim claim) {
    FleetObservation seen =
        new FleetObservation(
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.of(
                new JobBuilder()
                    .withNewMetadata()
                    .withName("chat-8b-fetch-a")
                    .endMetadata()
                    .withNewStatus()
                    .endStatus()
                    .build()),
            Optional.of("chat-8b-fetch-a"),
            Optional.of(claim),
            true,
            false,
            true,
            "http://chat-8b.team-a.svc:8080/v1",
            "app.kubernetes.io/component=inference");
    return StatusAggregator.aggregate(SampleFleets.chat8b("chat-8b", "team-a"), seen, NOW)
        .status()
        .getConditions()
        .stream()
        .filter(c -> MODEL_CACHED.equals(c.getType()))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void aPendingClaimSaysWhichStorageClassMustOfferWhichAccessMode() {
    Condition condition = modelCached(claim("Pending"));

    assertThat(condition.getStatus()).isEqualTo("False");
    assertThat(condition.getReason()).isEqualTo("CachePending");
    assertThat(condition.getMessage())
        .contains("chat-8b-weights")
        .contains("StorageClass fast")
        .contains("ReadWriteMany")
        .contains("spec.model.cache.pvc.accessMode");
  }

  @Test
  void aBoundClaimLetsTheDownloadJobReportProgress() {
    Condition condition = modelCached(claim("Bound"));

    assertThat(condition.getReason()).isEqualTo("Downloading");
  }
}
