package dev.inference.nemotron.operator.status;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import java.util.Objects;
import java.util.Optional;

/**
 * The fleet's rollout as its Deployment reports it, read as {@code kubectl rollout status} reads
 * it: the Deployment controller's own {@code Progressing} condition says whether the new ReplicaSet
 * became available ({@code NewReplicaSetAvailable}) or the rollout exceeded its progress deadline
 * ({@code ProgressDeadlineExceeded}); both count only once the controller observed the current
 * generation.
 *
 * @param phase where the rollout is
 * @param desired replicas the Deployment asks for
 * @param current pods of every ReplicaSet (old ones included, during a rollout)
 * @param updated pods running the current template
 * @param ready ready pods
 * @param available pods ready for at least minReadySeconds
 * @param message the Deployment controller's message of its Progressing condition (may be empty)
 */
public record Rollout(
    Phase phase, int desired, int current, int updated, int ready, int available, String message) {

  /** Condition reason of a Deployment whose new ReplicaSet is fully available. */
  static final String NEW_REPLICA_SET_AVAILABLE = "NewReplicaSetAvailable";

  /** Condition reason of a Deployment that made no progress within progressDeadlineSeconds. */
  static final String PROGRESS_DEADLINE_EXCEEDED = "ProgressDeadlineExceeded";

  /** Where a rollout is. */
  public enum Phase {
    /** There is no Deployment yet. */
    ABSENT,
    /** Pods of the current template are being created or are not available yet. */
    ROLLING,
    /** Every replica runs the current template; some may have become unavailable since. */
    COMPLETE,
    /** The Deployment controller gave up waiting: pods do not become available. */
    STUCK
  }

  /** Reads the rollout of {@code deployment}. */
  public static Rollout of(Optional<Deployment> deployment) {
    if (deployment.isEmpty()) {
      return new Rollout(Phase.ABSENT, 0, 0, 0, 0, 0, "");
    }
    Deployment d = deployment.get();
    DeploymentStatus status = Objects.requireNonNullElseGet(d.getStatus(), DeploymentStatus::new);
    // the API server defaults spec.replicas to 1
    int desired =
        d.getSpec() == null ? 1 : Objects.requireNonNullElse(d.getSpec().getReplicas(), 1);
    int current = Objects.requireNonNullElse(status.getReplicas(), 0);
    int updated = Objects.requireNonNullElse(status.getUpdatedReplicas(), 0);
    int ready = Objects.requireNonNullElse(status.getReadyReplicas(), 0);
    int available = Objects.requireNonNullElse(status.getAvailableReplicas(), 0);
    Long generation = d.getMetadata() == null ? null : d.getMetadata().getGeneration();
    boolean observed =
        generation == null
            || (status.getObservedGeneration() != null
                && status.getObservedGeneration() >= generation);
    Optional<DeploymentCondition> progressing =
        Optional.ofNullable(status.getConditions()).stream()
            .flatMap(java.util.List::stream)
            .filter(c -> "Progressing".equals(c.getType()))
            .findFirst();
    String message = progressing.map(DeploymentCondition::getMessage).orElse("");

    Phase phase;
    if (observed
        && progressing.isPresent()
        && "False".equals(progressing.get().getStatus())
        && PROGRESS_DEADLINE_EXCEEDED.equals(progressing.get().getReason())) {
      phase = Phase.STUCK;
    } else if (observed
        && updated >= desired
        && current == updated
        && progressing
            .map(c -> NEW_REPLICA_SET_AVAILABLE.equals(c.getReason()))
            // a Deployment without conditions (no controller has looked yet, or an old server)
            .orElse(available >= desired)) {
      phase = Phase.COMPLETE;
    } else {
      phase = Phase.ROLLING;
    }
    return new Rollout(phase, desired, current, updated, ready, available, message);
  }
}
