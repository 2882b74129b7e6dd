package dev.inference.nemotron.operator.desired;

import dev.inference.nemotron.operator.spec.SpecDiff;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.util.Map;

/**
 * The fleet's Deployment: {@link Fleet#replicas()} inference pods, rolled one extra pod at a time
 * and never below the current capacity (maxUnavailable 0; a rollout therefore needs room for one
 * more replica's GPUs).
 */
public final class DesiredDeployment {

  /**
   * Deployment annotation holding the spec the objects were last built from, as JSON: the base of
   * the next {@link SpecDiff}.
   */
  public static final String APPLIED_SPEC = "nemotron.inference.dev/applied-spec";

  private DesiredDeployment() {}

  /** Scheduling, pulling the image and the wait for a node with free GPUs. */
  static final int SCHEDULING_SECONDS = 600;

  /**
   * How long a rollout may make no progress before the Deployment controller, and so the Degraded
   * condition, reports ProgressDeadlineExceeded: scheduling, then the download (in each pod, or by
   * the Job the pods wait for, both bounded by the operator's fetch deadline), then the start-up
   * probe's budget for loading the weights. The default 600 s would call a first download Degraded.
   */
  static int progressDeadlineSeconds(Fleet fleet) {
    long download =
        fleet.source().needsDownload() ? fleet.settings().fetchDeadline().toSeconds() : 0;
    return Math.toIntExact(
        SCHEDULING_SECONDS + download + InferencePodTemplate.STARTUP_BUDGET_SECONDS);
  }

  /** The Deployment, recording the spec it was built from. */
  public static Deployment of(Fleet fleet) {
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName(fleet.deploymentName())
        .withNamespace(fleet.namespace())
        .withLabels(fleet.labels(Fleet.INFERENCE))
        .withAnnotations(Map.of(APPLIED_SPEC, SpecDiff.json(fleet.spec())))
        .endMetadata()
        .withNewSpec()
        .withReplicas(fleet.replicas())
        .withProgressDeadlineSeconds(progressDeadlineSeconds(fleet))
        .withNewSelector()
        .withMatchLabels(fleet.selectorLabels())
        .endSelector()
        .withNewStrategy()
        .withType("RollingUpdate")
        .withNewRollingUpdate()
        .withNewMaxUnavailable(0)
        .withNewMaxSurge(1)
        .endRollingUpdate()
        .endStrategy()
        .withTemplate(InferencePodTemplate.of(fleet))
        .endSpec()
        .build();
  }
}
