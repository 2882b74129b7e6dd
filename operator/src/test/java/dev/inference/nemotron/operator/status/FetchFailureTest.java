package dev.inference.nemotron.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.inference.nemotron.api.v1alpha1.NemotronDiffusionDeployment;
import dev.inference.nemotron.api.v1alpha1.NemotronDiffusionDeploymentStatus;
import dev.inference.nemotron.operator.SampleFleets;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The Warning Event of a failed download Job: recorded once per failed Job, saying what to do. */
class FetchFailureTest {

  private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");

  /** A download Job as the Job controller reports it: Failed=True after its back-off limit. */
  private static Job job(String name, boolean failed) {
    var builder = new JobBuilder().withNewMetadata().withName(name).endMetadata().withNewStatus();
    if (failed) {
      builder =
          builder
              .withFailed(5)
              .addNewCondition()
              .withType("Failed")
              .withStatus("True")
              .withReason("BackoffLimitExceeded")
              .endCondition();
    } else {
      builder = builder.withActive(1);
    }
    return builder.endStatus().build();
  }

  /** Aggregates the status for {@code job} onto {@code resource}, as a reconciliation would. */
  private static NemotronDiffusionDeploymentStatus observe(
      NemotronDiffusionDeployment resource, Job job) {
    FleetObservation seen =
        new FleetObservation(
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.of(job),
            Optional.of(job.getMetadata().getName()),
            Optional.empty(),
            true,
            false,
            true,
            "http://chat-8b.team-a.svc:8080/v1",
            "app.kubernetes.io/component=inference");
    return StatusAggregator.aggregate(resource, seen, NOW).status();
  }

  private static Optional<String> warning(
      NemotronDiffusionDeployment resource, NemotronDiffusionDeploymentStatus after) {
    return FetchFailure.newlyFailed(
        resource.getStatus(), after, resource.getSpec().getModel().getSource());
  }

  @Test
  void aFailedJobWarnsOnceNamingTheSecretTheSourceAndHowToRetry() {
    NemotronDiffusionDeployment resource = SampleFleets.chat8b("chat-8b", "team-a");
    NemotronDiffusionDeploymentStatus first = observe(resource, job("chat-8b-fetch-a", true));

    Optional<String> message = warning(resource, first);

    assertThat(message)
        .hasValueSatisfying(
            m ->
                assertThat(m)
                    .contains("chat-8b-fetch-a")
                    .contains("Secret hf-token")
                    .contains("hf://nvidia/Nemotron-Labs-Diffusion-8B (revision main)")
                    .contains("deleting the Job retries"));

    resource.setStatus(first);
    assertThat(warning(resource, observe(resource, job("chat-8b-fetch-a", true)))).isEmpty();
  }

  @Test
  void theJobOfAChangedSecretWarnsAgainWhenItFailsToo() {
    NemotronDiffusionDeployment resource = SampleFleets.chat8b("chat-8b", "team-a");
    resource.setStatus(observe(resource, job("chat-8b-fetch-a", true)));
    resource.getSpec().getModel().getSource().setSecretRef("hf-token-2");

    Optional<String> message = warning(resource, observe(resource, job("chat-8b-fetch-b", true)));

    assertThat(message)
        .hasValueSatisfying(m -> assertThat(m).contains("chat-8b-fetch-b").contains("hf-token-2"));
  }

  @Test
  void aRunningJobDoesNotWarn() {
    NemotronDiffusionDeployment resource = SampleFleets.chat8b("chat-8b", "team-a");

    assertThat(warning(resource, observe(resource, job("chat-8b-fetch-a", false)))).isEmpty();
  }
}
