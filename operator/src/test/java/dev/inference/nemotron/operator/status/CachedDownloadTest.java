package dev.inference.nemotron.operator.status;

import static dev.inference.nemotron.api.v1alpha1.NemotronDiffusionDeploymentStatus.MODEL_CACHED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.inference.nemotron.api.v1alpha1.NemotronDiffusionDeployment;
import dev.inference.nemotron.api.v1alpha1.NemotronDiffusionDeploymentStatus;
import dev.inference.nemotron.operator.SampleFleets;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A succeeded download is remembered in {@code status.cachedDownload}, so its Job may be deleted
 * (ttlSecondsAfterFinished) without the weights being reported missing or downloaded again.
 */
class CachedDownloadTest {

  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
  private static final String JOB = "chat-8b-fetch-0123456789";

  private static Job job(int succeeded) {
    return new JobBuilder()
        .withNewMetadata()
        .withName(JOB)
        .endMetadata()
        .withNewStatus()
        .withSucceeded(succeeded)
        .endStatus()
        .build();
  }

  private static NemotronDiffusionDeploymentStatus aggregate(
      NemotronDiffusionDeployment resource, Optional<Job> job, String currentJob) {
    FleetObservation seen =
        new FleetObservation(
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            job,
            Optional.of(currentJob),
            Optional.empty(),
            true,
            false,
            true,
            "http://chat-8b.team-a.svc:8080/v1",
            "app.kubernetes.io/component=inference");
    return StatusAggregator.aggregate(resource, seen, NOW).status();
  }

  private static Condition modelCached(NemotronDiffusionDeploymentStatus status) {
    return status.getConditions().stream()
        .filter(c -> MODEL_CACHED.equals(c.getType()))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void aSucceededJobIsRememberedAndItsDeletionKeepsTheWeightsCached() {
    NemotronDiffusionDeployment resource = SampleFleets.chat8b("chat-8b", "team-a");
    resource.setStatus(aggregate(resource, Optional.of(job(1)), JOB));
    assertThat(resource.getStatus().getCachedDownload()).isEqualTo(JOB);

    NemotronDiffusionDeploymentStatus afterDeletion = aggregate(resource, Optional.empty(), JOB);

    assertThat(afterDeletion.getCachedDownload()).isEqualTo(JOB);
    assertThat(modelCached(afterDeletion).getStatus()).isEqualTo("True");
    assertThat(modelCached(afterDeletion).getReason()).isEqualTo("WeightsCached");
  }

  @Test
  void aNewSourceForgetsTheOldDownload() {
    NemotronDiffusionDeployment resource = SampleFleets.chat8b("chat-8b", "team-a");
    resource.setStatus(aggregate(resource, Optional.of(job(1)), JOB));

    NemotronDiffusionDeploymentStatus next =
        aggregate(resource, Optional.empty(), "chat-8b-fetch-abcdefabcd");

    assertThat(next.getCachedDownload()).isNull();
    assertThat(modelCached(next).getStatus()).isEqualTo("False");
  }

  @Test
  void aRunningJobIsNotRemembered() {
    NemotronDiffusionDeployment resource = SampleFleets.chat8b("chat-8b", "team-a");

    assertThat(aggregate(resource, Optional.of(job(0)), JOB).getCachedDownload()).isNull();
  }
}
