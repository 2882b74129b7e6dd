package dev.inference.nemotron.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.inference.nemotron.api.v1alpha1.NemotronDiffusionDeployment;
import dev.inference.nemotron.api.v1alpha1.NemotronDiffusionDeploymentStatus;
import dev.inference.nemotron.api.v1alpha1.ScalingSpec;
import dev.inference.nemotron.operator.SampleFleets;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Conditions from what the child Deployment reports, in the shapes the Deployment controller writes
 * them (its Progressing condition and replica counts) during a fresh create, a finished rollout, a
 * stuck one and a rollout over running replicas.
 */
class StatusAggregatorTest {

  private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
  private static final String SELECTOR = "app.kubernetes.io/component=inference";

  /** A Deployment at {@code generation} as its controller reports it. */
  private static Deployment deployment(
      long generation,
      long observedGeneration,
      int desired,
      int current,
      int updated,
      int available,
      String progressingStatus,
      String progressingReason) {
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName("chat-8b")
        .withGeneration(generation)
        .endMetadata()
        .withNewSpec()
        .withReplicas(desired)
        .endSpec()
        .withNewStatus()
        .withObservedGeneration(observedGeneration)
        .withReplicas(current)
        .withUpdatedReplicas(updated)
        .withReadyReplicas(available)
        .withAvailableReplicas(available)
        .addNewCondition()
        .withType("Progressing")
        .withStatus(progressingStatus)
        .withReason(progressingReason)
        .withMessage("ReplicaSet \"chat-8b-5d4f\" has timed out progressing.")
        .endCondition()
        .endStatus()
        .build();
  }

  private static NemotronDiffusionDeploymentStatus aggregate(
      NemotronDiffusionDeployment resource, Deployment deployment) {
    FleetObservation seen =
        new FleetObservation(
            Optional.empty(),
            Optional.empty(),
            Optional.ofNullable(deployment),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            false,
            false,
            true,
            "http://chat-8b.team-a.svc:8080/v1",
            SELECTOR);
    return StatusAggregator.aggregate(resource, seen, NOW).status();
  }

  private static NemotronDiffusionDeploymentStatus aggregate(Deployment deployment) {
    return aggregate(SampleFleets.chat8b("chat-8b", "team-a"), deployment);
  }

  private static Condition condition(NemotronDiffusionDeploymentStatus status, String type) {
    return status.getConditions().stream()
        .filter(c -> c.getType().equals(type))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no condition " + type));
  }

  private static String summary(NemotronDiffusionDeploymentStatus status, String type) {
    Condition c = condition(status, type);
    return c.getStatus() + "/" + c.getReason();
  }

  @Test
  void freshCreateWhosePodsStillLoadIsProgressingNotDegradedNotReady() {
    var status = aggregate(deployment(1, 1, 2, 2, 2, 0, "True", "ReplicaSetUpdated"));

    assertThat(summary(status, "Ready")).isEqualTo("False/ReplicasNotReady");
    assertThat(summary(status, "Progressing")).isEqualTo("True/RollingOut");
    assertThat(summary(status, "Degraded")).isEqualTo("False/AsExpected");
  }

  @Test
  void availableNewReplicaSetIsReadyAndRolledOut() {
    var status = aggregate(deployment(1, 1, 2, 2, 2, 2, "True", "NewReplicaSetAvailable"));

    assertThat(summary(status, "Ready")).isEqualTo("True/ReplicasReady");
    assertThat(summary(status, "Progressing")).isEqualTo("False/RolloutComplete");
    assertThat(summary(status, "Degraded")).isEqualTo("False/AsExpected");
    assertThat(status.getReplicas()).isEqualTo(2);
    assertThat(status.getReadyReplicas()).isEqualTo(2);
  }

  @Test
  void rolloutPastItsProgressDeadlineIsDegradedWithWhatToCheck() {
    var status = aggregate(deployment(1, 1, 2, 2, 2, 0, "False", "ProgressDeadlineExceeded"));

    assertThat(summary(status, "Degraded")).isEqualTo("True/ProgressDeadlineExceeded");
    assertThat(summary(status, "Progressing")).isEqualTo("False/ProgressDeadlineExceeded");
    assertThat(summary(status, "Ready")).isEqualTo("False/ReplicasNotReady");
    assertThat(condition(status, "Degraded").getMessage())
        .contains("has timed out progressing")
        .contains("0 available")
        .contains("kubectl describe pods -l " + SELECTOR);
  }

  @Test
  void replicaLostAfterACompletedRolloutIsDegradedButStillServing() {
    var status = aggregate(deployment(1, 1, 2, 2, 2, 1, "True", "NewReplicaSetAvailable"));

    assertThat(summary(status, "Degraded")).isEqualTo("True/ReplicasUnavailable");
    assertThat(summary(status, "Progressing")).isEqualTo("False/RolloutComplete");
    assertThat(summary(status, "Ready")).isEqualTo("True/ReplicasReady");
  }

  @Test
  void rolloutOverRunningReplicasKeepsServingWhileProgressing() {
    // maxSurge 1, maxUnavailable 0: two old pods serve while the first new one loads
    var status = aggregate(deployment(2, 2, 2, 3, 1, 2, "True", "ReplicaSetUpdated"));

    assertThat(summary(status, "Ready")).isEqualTo("True/ReplicasReady");
    assertThat(summary(status, "Progressing")).isEqualTo("True/RollingOut");
    assertThat(summary(status, "Degraded")).isEqualTo("False/AsExpected");
  }

  @Test
  void completionOfAnOlderGenerationDoesNotCountUntilTheControllerObservesTheNewOne() {
    var status = aggregate(deployment(3, 2, 2, 2, 2, 2, "True", "NewReplicaSetAvailable"));
    assertThat(summary(status, "Progressing")).isEqualTo("True/RollingOut");

    var stuckBefore = aggregate(deployment(3, 2, 2, 2, 2, 0, "False", "ProgressDeadlineExceeded"));
    assertThat(summary(stuckBefore, "Degraded")).isEqualTo("False/AsExpected");
  }

  @Test
  void readyNeedsMinReplicasAvailable() {
    NemotronDiffusionDeployment resource = SampleFleets.chat8b("chat-8b", "team-a");
    ScalingSpec scaling = new ScalingSpec();
    scaling.setMinReplicas(2);
    scaling.setMaxReplicas(4);
    resource.getSpec().setScaling(scaling);

    var one = aggregate(resource, deployment(1, 1, 3, 3, 3, 1, "True", "ReplicaSetUpdated"));
    var two = aggregate(resource, deployment(1, 1, 3, 3, 3, 2, "True", "ReplicaSetUpdated"));

    assertThat(summary(one, "Ready")).isEqualTo("False/ReplicasNotReady");
    assertThat(condition(one, "Ready").getMessage())
        .contains("1 of 3 replicas available, 2 needed");
    assertThat(summary(two, "Ready")).isEqualTo("True/ReplicasReady");
  }

  @Test
  void noDeploymentYetIsCreating() {
    var status = aggregate(null);

    assertThat(summary(status, "Ready")).isEqualTo("False/Creating");
    assertThat(summary(status, "Progressing")).isEqualTo("True/Creating");
    assertThat(summary(status, "Degraded")).isEqualTo("False/AsExpected");
    assertThat(status.getReplicas()).isZero();
  }

  @Test
  void failureKeepsAJudgedReadyAndReportsEachDistinctErrorOnce() {
    NemotronDiffusionDeployment resource = SampleFleets.chat8b("chat-8b", "team-a");
    resource.setStatus(
        aggregate(resource, deployment(1, 1, 1, 1, 1, 1, "True", "NewReplicaSetAvailable")));

    var first = StatusAggregator.failed(resource, "service: HTTP 403: forbidden", NOW);
    assertThat(summary(first.status(), "Ready")).isEqualTo("True/ReplicasReady");
    assertThat(summary(first.status(), "Degraded")).isEqualTo("True/ReconcileError");
    assertThat(condition(first.status(), "Degraded").getMessage())
        .startsWith("service: HTTP 403: forbidden");
    assertThat(first.status().getSelector()).isEqualTo(SELECTOR);
    assertThat(first.degradedChanged()).isTrue();

    resource.setStatus(first.status());
    assertThat(
            StatusAggregator.failed(resource, "service: HTTP 403: forbidden", NOW)
                .degradedChanged())
        .isFalse();
    assertThat(
            StatusAggregator.failed(resource, "deployment: HTTP 422: invalid", NOW)
                .degradedChanged())
        .isTrue();
  }

  @Test
  void failureBeforeAnyStatusIsNotReady() {
    var failed =
        StatusAggregator.failed(SampleFleets.chat8b("chat-8b", "team-a"), "HTTP 500: boom", NOW);

    assertThat(summary(failed.status(), "Ready")).isEqualTo("False/ReconcileError");
    assertThat(summary(failed.status(), "Degraded")).isEqualTo("True/ReconcileError");
  }
}
