package dev.inference.nemotron.operator.status;

import static dev.inference.nemotron.api.v1alpha1.NemotronDiffusionDeploymentStatus.DEGRADED;
import static dev.inference.nemotron.api.v1alpha1.NemotronDiffusionDeploymentStatus.MODEL_CACHED;
import static dev.inference.nemotron.api.v1alpha1.NemotronDiffusionDeploymentStatus.PROGRESSING;
import static dev.inference.nemotron.api.v1alpha1.NemotronDiffusionDeploymentStatus.READY;
import static dev.inference.nemotron.api.v1alpha1.NemotronDiffusionDeploymentStatus.SCALING_ACTIVE;

import dev.inference.nemotron.api.v1alpha1.NemotronDiffusionDeployment;
import dev.inference.nemotron.api.v1alpha1.NemotronDiffusionDeploymentStatus;
import dev.inference.nemotron.api.v1alpha1.Sizing;
import dev.inference.nemotron.operator.sizing.MemoryEstimate;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.time.Instant;
import java.util.Objects;

/**
 * Turns a {@link FleetObservation} into the resource's status: the conditions Ready, Progressing,
 * Degraded, ModelCached and ScalingActive, the replica counts and selector for {@code /scale}, the
 * endpoint and the sizing. Pure: the same observation gives the same status.
 */
public final class StatusAggregator {

  private StatusAggregator() {}

  /** The status to write, with the conditions merged into the resource's current ones. */
  public static Result aggregate(
      NemotronDiffusionDeployment resource, FleetObservation seen, Instant now) {
    NemotronDiffusionDeploymentStatus before =
        Objects.requireNonNullElseGet(resource.getStatus(), NemotronDiffusionDeploymentStatus::new);
    long generation = Objects.requireNonNullElse(resource.getMetadata().getGeneration(), 0L);
    ConditionSet conditions = new ConditionSet(before.getConditions(), generation, now);

    DeploymentStatus rollout =
        seen.deployment().map(Deployment::getStatus).orElseGet(DeploymentStatus::new);
    int desired = seen.deployment().map(d -> d.getSpec().getReplicas()).orElse(0);
    int ready = Objects.requireNonNullElse(rollout.getReadyReplicas(), 0);
    int updated = Objects.requireNonNullElse(rollout.getUpdatedReplicas(), 0);
    int current = Objects.requireNonNullElse(rollout.getReplicas(), 0);
    boolean rolledOut =
        seen.deployment().isPresent()
            && updated >= desired
            && current == desired
            && Objects.equals(
                rollout.getObservedGeneration(),
                seen.deployment().get().getMetadata().getGeneration());

    if (seen.rejection().isPresent()) {
      FleetObservation.Rejection rejection = seen.rejection().get();
      conditions.set(READY, false, rejection.reason(), rejection.message());
      conditions.set(
          PROGRESSING,
          false,
          "SpecRejected",
          "the spec was not applied; "
              + (seen.deployment().isPresent()
                  ? "the running pods keep the last accepted spec"
                  : "no pods were created"));
      conditions.set(DEGRADED, true, rejection.reason(), rejection.message());
      conditions.keep(MODEL_CACHED);
      conditions.keep(SCALING_ACTIVE);
    } else {
      ready(conditions, seen, desired, ready);
      if (rolledOut) {
        conditions.set(
            PROGRESSING,
            false,
            "RolloutComplete",
            "all %d replicas run the current spec".formatted(desired));
      } else {
        conditions.set(
            PROGRESSING,
            true,
            "RollingOut",
            "%d of %d replicas run the current spec, %d ready".formatted(updated, desired, ready));
      }
      if (ready < desired && rolledOut) {
        conditions.set(
            DEGRADED,
            true,
            "ReplicasUnavailable",
            "%d of %d replicas are ready: check the pods' events for scheduling (GPUs) or image"
                    .formatted(ready, desired)
                + " problems");
      } else {
        conditions.set(DEGRADED, false, "AsExpected", "no problem detected");
      }
      modelCached(conditions, seen);
      scalingActive(conditions, seen, desired);
    }

    NemotronDiffusionDeploymentStatus after = new NemotronDiffusionDeploymentStatus();
    after.setObservedGeneration(generation);
    after.setConditions(conditions.toList());
    after.setReplicas(seen.deployment().isPresent() ? current : 0);
    after.setReadyReplicas(ready);
    after.setSelector(seen.selector());
    after.setEndpoint(seen.endpoint());
    after.setSizing(seen.sizing().map(StatusAggregator::sizing).orElse(before.getSizing()));
    after.setObserved(before.getObserved());
    after.setLastScale(before.getLastScale());
    return new Result(after, conditions.changed(READY));
  }

  /**
   * The status and whether the Ready condition changed (rejections are reported as Events then).
   */
  public record Result(NemotronDiffusionDeploymentStatus status, boolean readyChanged) {}

  private static void ready(
      ConditionSet conditions, FleetObservation seen, int desired, int ready) {
    if (seen.deployment().isEmpty()) {
      conditions.set(READY, false, "Creating", "the Deployment is being created");
    } else if (ready >= Math.max(1, desired)) {
      conditions.set(
          READY,
          true,
          "ReplicasReady",
          "%d of %d replicas ready at %s".formatted(ready, desired, seen.endpoint()));
    } else {
      conditions.set(
          READY,
          false,
          "ReplicasNotReady",
          "%d of %d replicas ready: pods are waiting for GPUs, downloading or loading weights;"
                  .formatted(ready, desired)
              + " see kubectl get pods -l "
              + seen.selector());
    }
  }

  private static void modelCached(ConditionSet conditions, FleetObservation seen) {
    if (seen.readInPlace()) {
      conditions.set(MODEL_CACHED, true, "ReadInPlace", "the source is mounted read-only");
    } else if (!seen.cacheConfigured()) {
      conditions.set(
          MODEL_CACHED,
          false,
          "CacheNotConfigured",
          "every replica downloads the weights when it starts: set spec.model.cache.pvc to"
              + " download them once");
    } else if (seen.fetchJob().isEmpty()) {
      conditions.set(MODEL_CACHED, false, "DownloadPending", "the download Job is being created");
    } else {
      Job job = seen.fetchJob().get();
      int succeeded =
          job.getStatus() == null
              ? 0
              : Objects.requireNonNullElse(job.getStatus().getSucceeded(), 0);
      boolean failed =
          job.getStatus() != null
              && job.getStatus().getConditions() != null
              && job.getStatus().getConditions().stream()
                  .anyMatch(c -> "Failed".equals(c.getType()) && "True".equals(c.getStatus()));
      if (succeeded > 0) {
        conditions.set(MODEL_CACHED, true, "WeightsCached", "the weights are in the cache");
      } else if (failed) {
        conditions.set(
            MODEL_CACHED,
            false,
            "DownloadFailed",
            "Job %s failed: check its logs (source URI, revision, secretRef credentials)"
                .formatted(job.getMetadata().getName()));
      } else {
        conditions.set(
            MODEL_CACHED,
            false,
            "Downloading",
            "Job %s is downloading the weights".formatted(job.getMetadata().getName()));
      }
    }
  }

  private static void scalingActive(ConditionSet conditions, FleetObservation seen, int desired) {
    if (seen.builtinActuator()) {
      conditions.set(
          SCALING_ACTIVE,
          false,
          "AutoscalerNotRunning",
          "the builtin autoscaler is not enabled yet: replicas stay at %d within".formatted(desired)
              + " [minReplicas, maxReplicas]; set scaling.actuator external to scale with an HPA");
    } else {
      conditions.set(
          SCALING_ACTIVE,
          true,
          "ExternalActuator",
          "an external autoscaler sets spec.replicas through /scale");
    }
  }

  private static Sizing sizing(MemoryEstimate estimate) {
    Sizing sizing = new Sizing();
    sizing.setWeightBytes(estimate.weightBytes());
    sizing.setKvCacheBytes(estimate.kvCacheBytes());
    sizing.setGpuMemoryBytes(estimate.availableBytes());
    sizing.setFits(estimate.fits());
    sizing.setExplanation(estimate.explanation());
    return sizing;
  }
}
