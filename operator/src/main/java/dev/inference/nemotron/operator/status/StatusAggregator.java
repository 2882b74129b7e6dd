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
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
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

    Rollout rollout = Rollout.of(seen.deployment());

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
      ready(conditions, seen, rollout, minReplicas(resource));
      progressingAndDegraded(conditions, seen, rollout);
      modelCached(conditions, seen, before.getCachedDownload());
      scalingActive(conditions, seen, rollout.desired());
    }

    NemotronDiffusionDeploymentStatus after = new NemotronDiffusionDeploymentStatus();
    after.setObservedGeneration(generation);
    after.setConditions(conditions.toList());
    after.setReplicas(rollout.current());
    after.setReadyReplicas(rollout.ready());
    after.setSelector(seen.selector());
    after.setEndpoint(seen.endpoint());
    after.setSizing(seen.sizing().map(StatusAggregator::sizing).orElse(before.getSizing()));
    after.setObserved(before.getObserved());
    after.setModeAdvice(before.getModeAdvice());
    after.setLastScale(before.getLastScale());
    after.setEffectiveModeMix(before.getEffectiveModeMix());
    after.setCachedDownload(
        seen.rejection().isPresent() ? before.getCachedDownload() : cachedDownload(seen, before));
    return new Result(after, conditions.changed(READY), conditions.changed(DEGRADED));
  }

  /**
   * The download whose weights are complete: the current Job once it succeeded, kept after the Job
   * is deleted (its ttlSecondsAfterFinished), forgotten when the source changes.
   */
  private static String cachedDownload(
      FleetObservation seen, NemotronDiffusionDeploymentStatus before) {
    if (seen.fetchJob().filter(StatusAggregator::succeeded).isPresent()) {
      return seen.fetchJob().get().getMetadata().getName();
    }
    return seen.fetchJobName().filter(n -> n.equals(before.getCachedDownload())).orElse(null);
  }

  /** Reason of ModelCached while the weight cache claim is not bound. */
  public static final String CACHE_PENDING = "CachePending";

  /** Reason of ModelCached when the download Job failed. */
  public static final String DOWNLOAD_FAILED = "DownloadFailed";

  /** Reason of the conditions a failed reconciliation sets. */
  public static final String RECONCILE_ERROR = "ReconcileError";

  /**
   * The status after a failed reconciliation (an API call refused, a child that could not be
   * written): Degraded with the failure's description; Ready is kept, since pods that were serving
   * still serve, and set False only when it was never judged. Everything else stays as it was.
   *
   * @param message a short description, see {@link ReconcileFailure#describe}
   */
  public static Result failed(NemotronDiffusionDeployment resource, String message, Instant now) {
    NemotronDiffusionDeploymentStatus before =
        Objects.requireNonNullElseGet(resource.getStatus(), NemotronDiffusionDeploymentStatus::new);
    long generation = Objects.requireNonNullElse(resource.getMetadata().getGeneration(), 0L);
    ConditionSet conditions = new ConditionSet(before.getConditions(), generation, now);
    boolean readyJudged =
        before.getConditions() != null
            && before.getConditions().stream().anyMatch(c -> READY.equals(c.getType()));
    if (readyJudged) {
      conditions.keep(READY);
    } else {
      conditions.set(READY, false, RECONCILE_ERROR, message);
    }
    conditions.keep(PROGRESSING);
    conditions.set(
        DEGRADED, true, RECONCILE_ERROR, message + " (the operator retries with back-off)");
    conditions.keep(MODEL_CACHED);
    conditions.keep(SCALING_ACTIVE);

    NemotronDiffusionDeploymentStatus after = new NemotronDiffusionDeploymentStatus();
    after.setObservedGeneration(before.getObservedGeneration());
    after.setConditions(conditions.toList());
    after.setReplicas(before.getReplicas());
    after.setReadyReplicas(before.getReadyReplicas());
    after.setSelector(before.getSelector());
    after.setEndpoint(before.getEndpoint());
    after.setSizing(before.getSizing());
    after.setObserved(before.getObserved());
    after.setModeAdvice(before.getModeAdvice());
    after.setLastScale(before.getLastScale());
    after.setEffectiveModeMix(before.getEffectiveModeMix());
    after.setCachedDownload(before.getCachedDownload());
    return new Result(after, conditions.changed(READY), conditions.changed(DEGRADED));
  }

  /**
   * The status and whether its Ready and Degraded conditions changed (status, reason or message):
   * rejections and failures are reported as Events only then, once per distinct problem.
   */
  public record Result(
      NemotronDiffusionDeploymentStatus status, boolean readyChanged, boolean degradedChanged) {}

  /**
   * Ready means the endpoint serves as the API promises: at least {@code spec.scaling.minReplicas}
   * replicas (at least one, at most the desired count) are available, whichever spec they run; a
   * fleet rolling one extra pod at a time therefore stays Ready through a rollout.
   */
  private static void ready(
      ConditionSet conditions, FleetObservation seen, Rollout rollout, int minReplicas) {
    int needed = Math.max(1, Math.min(minReplicas, rollout.desired()));
    if (rollout.phase() == Rollout.Phase.ABSENT) {
      conditions.set(READY, false, "Creating", "the Deployment is being created");
    } else if (rollout.available() >= needed) {
      conditions.set(
          READY,
          true,
          "ReplicasReady",
          "%d of %d replicas available at %s"
              .formatted(rollout.available(), rollout.desired(), seen.endpoint()));
    } else {
      conditions.set(
          READY,
          false,
          "ReplicasNotReady",
          "%d of %d replicas available, %d needed: pods are waiting for GPUs, downloading or"
                  .formatted(rollout.available(), rollout.desired(), needed)
              + " loading weights; see kubectl get pods -l "
              + seen.selector());
    }
  }

  /**
   * Progressing while the Deployment rolls out; Degraded when it exceeded its progress deadline, or
   * when replicas of a completed rollout became unavailable. A rollout still within its deadline is
   * not Degraded: loading weights takes minutes.
   */
  private static void progressingAndDegraded(
      ConditionSet conditions, FleetObservation seen, Rollout rollout) {
    switch (rollout.phase()) {
      case ABSENT -> {
        conditions.set(PROGRESSING, true, "Creating", "the Deployment is being created");
        conditions.set(DEGRADED, false, "AsExpected", "no problem detected");
      }
      case ROLLING -> {
        conditions.set(
            PROGRESSING,
            true,
            "RollingOut",
            "%d of %d replicas run the current spec, %d available"
                .formatted(rollout.updated(), rollout.desired(), rollout.available()));
        conditions.set(DEGRADED, false, "AsExpected", "no problem detected");
      }
      case STUCK -> {
        String stuck =
            "the rollout made no progress within the Deployment's progress deadline (%s): %d of %d"
                    .formatted(rollout.message(), rollout.updated(), rollout.desired())
                + " replicas run the current spec, %d available; see kubectl describe pods -l %s"
                    .formatted(rollout.available(), seen.selector())
                + " for pods waiting for GPUs, failing to pull the image or failing their probes";
        conditions.set(PROGRESSING, false, Rollout.PROGRESS_DEADLINE_EXCEEDED, stuck);
        conditions.set(DEGRADED, true, Rollout.PROGRESS_DEADLINE_EXCEEDED, stuck);
      }
      case COMPLETE -> {
        conditions.set(
            PROGRESSING,
            false,
            "RolloutComplete",
            "all %d replicas run the current spec".formatted(rollout.desired()));
        if (rollout.available() < rollout.desired()) {
          conditions.set(
              DEGRADED,
              true,
              "ReplicasUnavailable",
              "%d of %d replicas are available: check the pods' events for scheduling (GPUs),"
                      .formatted(rollout.available(), rollout.desired())
                  + " image or probe problems (kubectl describe pods -l %s)"
                      .formatted(seen.selector()));
        } else {
          conditions.set(DEGRADED, false, "AsExpected", "no problem detected");
        }
      }
    }
  }

  private static int minReplicas(NemotronDiffusionDeployment resource) {
    var scaling = resource.getSpec() == null ? null : resource.getSpec().getScaling();
    return scaling == null || scaling.getMinReplicas() == null ? 1 : scaling.getMinReplicas();
  }

  private static void modelCached(
      ConditionSet conditions, FleetObservation seen, String cachedDownload) {
    if (seen.readInPlace()) {
      conditions.set(MODEL_CACHED, true, "ReadInPlace", "the source is mounted read-only");
    } else if (!seen.cacheConfigured()) {
      conditions.set(
          MODEL_CACHED,
          false,
          "CacheNotConfigured",
          "every replica downloads the weights when it starts: set spec.model.cache.pvc to"
              + " download them once");
    } else if (seen.fetchJob().isEmpty()
        && seen.fetchJobName().filter(n -> n.equals(cachedDownload)).isPresent()) {
      conditions.set(MODEL_CACHED, true, "WeightsCached", "the weights are in the cache");
    } else if (seen.weightCache().filter(StatusAggregator::pending).isPresent()
        && !downloaded(seen)) {
      conditions.set(MODEL_CACHED, false, CACHE_PENDING, pendingMessage(seen.weightCache().get()));
    } else if (seen.fetchJob().isEmpty()) {
      conditions.set(MODEL_CACHED, false, "DownloadPending", "the download Job is being created");
    } else {
      Job job = seen.fetchJob().get();
      boolean failed =
          job.getStatus() != null
              && job.getStatus().getConditions() != null
              && job.getStatus().getConditions().stream()
                  .anyMatch(c -> "Failed".equals(c.getType()) && "True".equals(c.getStatus()));
      if (succeeded(job)) {
        conditions.set(MODEL_CACHED, true, "WeightsCached", "the weights are in the cache");
      } else if (failed) {
        conditions.set(
            MODEL_CACHED,
            false,
            DOWNLOAD_FAILED,
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

  private static boolean pending(PersistentVolumeClaim claim) {
    return claim.getStatus() != null && "Pending".equals(claim.getStatus().getPhase());
  }

  private static boolean downloaded(FleetObservation seen) {
    return seen.fetchJob().filter(StatusAggregator::succeeded).isPresent();
  }

  private static boolean succeeded(Job job) {
    return job.getStatus() != null
        && Objects.requireNonNullElse(job.getStatus().getSucceeded(), 0) > 0;
  }

  // a class binding on first consumer is Pending until the download pod is scheduled, so the
  // message says both what may be wrong and that a short wait is normal
  private static String pendingMessage(PersistentVolumeClaim claim) {
    var spec = claim.getSpec();
    String storageClass =
        spec == null || spec.getStorageClassName() == null
            ? "the default StorageClass"
            : "StorageClass " + spec.getStorageClassName();
    String mode =
        spec == null || spec.getAccessModes() == null || spec.getAccessModes().isEmpty()
            ? "its access mode"
            : spec.getAccessModes().getFirst();
    return ("claim %s is Pending: %s must provision volumes with access mode %s (set"
            + " spec.model.cache.pvc.accessMode or storageClassName to one that does; kubectl"
            + " describe pvc %s says why). A class binding on first consumer stays Pending until the"
            + " download pod is scheduled.")
        .formatted(
            claim.getMetadata().getName(), storageClass, mode, claim.getMetadata().getName());
  }

  /** Reason of ScalingActive until the autoscaler's first cycle judged the fleet. */
  public static final String WAITING_FOR_METRICS = "WaitingForMetrics";

  /**
   * ScalingActive belongs to the autoscaler's loop ({@code FleetAutoscaler}), which judges it every
   * cycle from what it scraped; a reconciliation keeps it and only sets a first value before the
   * loop's first cycle.
   */
  private static void scalingActive(ConditionSet conditions, FleetObservation seen, int desired) {
    if (conditions.has(SCALING_ACTIVE)) {
      conditions.keep(SCALING_ACTIVE);
    } else {
      ScalingStatus.Judgement first =
          seen.builtinActuator()
              ? ScalingStatus.waitingForMetrics(desired)
              : ScalingStatus.externalActuator();
      conditions.set(SCALING_ACTIVE, first.active(), first.reason(), first.message());
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
