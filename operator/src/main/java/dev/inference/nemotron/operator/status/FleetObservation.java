package dev.inference.nemotron.operator.status;

import dev.inference.nemotron.operator.sizing.MemoryEstimate;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.Optional;

/**
 * What one reconciliation saw and decided, the input of {@link StatusAggregator}.
 *
 * @param rejection why the spec was not applied (reason and message), if it was not
 * @param sizing the memory bill, when the spec was complete enough to size
 * @param deployment the fleet's Deployment as the API server has it
 * @param fetchJob the download Job of the current source, where a weight cache is configured
 * @param fetchJobName that Job's name, where a weight cache is configured, even when it is gone
 * @param weightCache the weight cache claim as the API server has it, where one is configured
 * @param cacheConfigured whether the spec has a weight cache
 * @param readInPlace whether the source is read in place (pvc:// or file://)
 * @param builtinActuator whether the builtin autoscaler owns the replica count
 * @param endpoint the in-cluster API URL
 * @param selector the pods' label selector
 */
public record FleetObservation(
    Optional<Rejection> rejection,
    Optional<MemoryEstimate> sizing,
    Optional<Deployment> deployment,
    Optional<Job> fetchJob,
    Optional<String> fetchJobName,
    Optional<PersistentVolumeClaim> weightCache,
    boolean cacheConfigured,
    boolean readInPlace,
    boolean builtinActuator,
    String endpoint,
    String selector) {

  /** A spec that was not applied: a CamelCase reason and a message a person can act on. */
  public record Rejection(String reason, String message) {}
}
