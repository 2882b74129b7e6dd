package dev.inference.nemotron.operator;

import dev.inference.nemotron.api.v1alpha1.NemotronDiffusionDeployment;
import dev.inference.nemotron.api.v1alpha1.NemotronDiffusionDeploymentSpec;
import dev.inference.nemotron.api.v1alpha1.ScalingActuator;
import dev.inference.nemotron.operator.autoscale.FleetAutoscaler;
import dev.inference.nemotron.operator.config.OperatorSettings;
import dev.inference.nemotron.operator.dependent.ConfigMapDependent;
import dev.inference.nemotron.operator.dependent.DeploymentDependent;
import dev.inference.nemotron.operator.dependent.DisruptionBudgetDependent;
import dev.inference.nemotron.operator.dependent.DownloadNeeded;
import dev.inference.nemotron.operator.dependent.FetchJobDependent;
import dev.inference.nemotron.operator.dependent.FleetContext;
import dev.inference.nemotron.operator.dependent.NetworkPolicyDependent;
import dev.inference.nemotron.operator.dependent.ServiceAccountDependent;
import dev.inference.nemotron.operator.dependent.ServiceDependent;
import dev.inference.nemotron.operator.dependent.WeightCacheConfigured;
import dev.inference.nemotron.operator.dependent.WeightCacheDependent;
import dev.inference.nemotron.operator.desired.DesiredDeployment;
import dev.inference.nemotron.operator.desired.DesiredFetchJob;
import dev.inference.nemotron.operator.desired.Fleet;
import dev.inference.nemotron.operator.metrics.ReconcileMetrics;
import dev.inference.nemotron.operator.metrics.ReconcileMetrics.Outcome;
import dev.inference.nemotron.operator.monitoring.FleetServiceMonitor;
import dev.inference.nemotron.operator.sizing.MemoryEstimate;
import dev.inference.nemotron.operator.sizing.ModelSizing;
import dev.inference.nemotron.operator.spec.HostPathPolicy;
import dev.inference.nemotron.operator.spec.ModelSourceUri;
import dev.inference.nemotron.operator.spec.ReplicaPolicy;
import dev.inference.nemotron.operator.spec.SpecChange;
import dev.inference.nemotron.operator.spec.SpecDiff;
import dev.inference.nemotron.operator.spec.SpecSizing;
import dev.inference.nemotron.operator.spec.SpecValidation;
import dev.inference.nemotron.operator.status.FetchFailure;
import dev.inference.nemotron.operator.status.FleetEvents;
import dev.inference.nemotron.operator.status.FleetObservation;
import dev.inference.nemotron.operator.status.FleetObservation.Rejection;
import dev.inference.nemotron.operator.status.ReconcileFailure;
import dev.inference.nemotron.operator.status.StatusAggregator;
import dev.inference.nemotron.operator.status.StatusWriter;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.micrometer.core.instrument.Timer;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Reconciles a {@link NemotronDiffusionDeployment}: validates and sizes the spec, and only when it
 * is accepted runs the workflow of dependents (one per Kubernetes object); then aggregates the
 * status from what the children report. The ServiceMonitor, which exists only where the cluster
 * serves the Prometheus Operator's CRD, is kept by {@link FleetServiceMonitor} outside the
 * workflow. A rejected spec never touches the children, so running pods keep serving the last
 * accepted spec. The operator writes status, never the spec. Its permissions are written out in
 * {@code src/main/kubernetes/kubernetes.yml}.
 */
@ControllerConfiguration(name = NemotronDiffusionReconciler.NAME)
@Workflow(
    explicitInvocation = true,
    dependents = {
      @Dependent(name = "service-account", type = ServiceAccountDependent.class),
      @Dependent(name = "runtime-config", type = ConfigMapDependent.class),
      @Dependent(
          name = "weight-cache",
          type = WeightCacheDependent.class,
          reconcilePrecondition = WeightCacheConfigured.class),
      @Dependent(
          name = "fetch-job",
          type = FetchJobDependent.class,
          reconcilePrecondition = DownloadNeeded.class,
          dependsOn = {"weight-cache", "service-account"}),
      @Dependent(
          name = "deployment",
          type = DeploymentDependent.class,
          dependsOn = {"runtime-config", "service-account"}),
      @Dependent(name = "service", type = ServiceDependent.class),
      @Dependent(name = "disruption-budget", type = DisruptionBudgetDependent.class),
      @Dependent(name = "network-policy", type = NetworkPolicyDependent.class)
    })
public class NemotronDiffusionReconciler implements Reconciler<NemotronDiffusionDeployment> {

  /** Controller name, as in {@code quarkus.operator-sdk.controllers.<name>.*}. */
  public static final String NAME = "nemotrondiffusiondeployment";

  private static final Logger LOG = Logger.getLogger(NemotronDiffusionReconciler.class);

  private final OperatorSettings settings;
  private final StatusWriter statusWriter;
  private final FleetEvents events;
  private final ReconcileMetrics metrics;
  private final FleetServiceMonitor serviceMonitor;
  private final HostPathPolicy hostPaths;
  private final FleetAutoscaler autoscaler;

  public NemotronDiffusionReconciler(
      OperatorSettings settings,
      StatusWriter statusWriter,
      FleetEvents events,
      ReconcileMetrics metrics,
      FleetServiceMonitor serviceMonitor,
      FleetAutoscaler autoscaler) {
    this.settings = settings;
    this.statusWriter = statusWriter;
    this.events = events;
    this.metrics = metrics;
    this.serviceMonitor = serviceMonitor;
    this.autoscaler = autoscaler;
    // a malformed prefix fails the operator's start, naming the setting
    this.hostPaths = new HostPathPolicy(settings.allowedHostPathPrefixes().orElse(List.of()));
  }

  @Override
  public UpdateControl<NemotronDiffusionDeployment> reconcile(
      NemotronDiffusionDeployment resource, Context<NemotronDiffusionDeployment> context) {
    Timer.Sample sample = metrics.start();
    NemotronDiffusionDeploymentSpec spec = resource.getSpec();
    Optional<Deployment> deployment = context.getSecondaryResource(Deployment.class);

    List<String> problems = SpecValidation.problems(spec, hostPaths);
    if (!problems.isEmpty()) {
      reject(resource, context, new Rejection("InvalidSpec", String.join("; ", problems)), null);
      metrics.finish(sample, Outcome.REJECTED);
      return UpdateControl.noUpdate();
    }
    MemoryEstimate sizing = ModelSizing.estimate(SpecSizing.request(spec));
    if (!sizing.fits()) {
      reject(resource, context, new Rejection("SizingRejected", sizing.explanation()), sizing);
      metrics.finish(sample, Outcome.REJECTED);
      return UpdateControl.noUpdate();
    }

    // the autoscaler's latest scale wins over a cache that has not seen it yet
    int replicas =
        ReplicaPolicy.desiredReplicas(
            spec,
            autoscaler
                .actuatedReplicas(resource)
                .or(() -> deployment.map(d -> d.getSpec().getReplicas())));
    Fleet fleet =
        new Fleet(
            resource,
            ModelSourceUri.parse(spec.getModel().getSource().getUri()).orElseThrow(),
            SpecSizing.gpuClass(spec),
            sizing,
            replicas,
            settings,
            // under the adaptive mode policy the mix the autoscaler holds in force
            autoscaler
                .effectiveModeMix(resource)
                .orElseGet(() -> Fleet.configuredModeMix(resource)));
    SpecDiff diff = SpecDiff.between(deployment.flatMap(d -> SpecDiff.parse(appliedSpec(d))), spec);
    FleetContext.put(context, fleet);
    try {
      context.managedWorkflowAndDependentResourceContext().reconcileManagedWorkflow();
    } catch (RuntimeException e) {
      // JOSDK throws the dependents' failures, aggregated; updateErrorStatus reports them
      metrics.finish(sample, Outcome.FAILED);
      throw e;
    }

    if (deployment.isPresent()) {
      announce(
          resource,
          diff,
          Objects.requireNonNullElse(deployment.get().getSpec().getReplicas(), 1),
          fleet);
    }
    writeStatus(resource, context, observe(fleet, context, Optional.empty()));
    autoscaler.track(resource);
    try {
      serviceMonitor.apply(fleet);
    } catch (RuntimeException e) {
      metrics.finish(sample, Outcome.FAILED);
      throw e;
    }
    metrics.finish(sample, Outcome.APPLIED);
    // without the Prometheus Operator's CRD nothing is rescheduled: its watch reconciles when it
    // comes
    return UpdateControl.noUpdate();
  }

  @Override
  public List<EventSource<?, NemotronDiffusionDeployment>> prepareEventSources(
      EventSourceContext<NemotronDiffusionDeployment> context) {
    // the autoscaler asks through its source for one fleet when that fleet's mode mix changed
    return List.of(
        serviceMonitor.prometheusOperatorCrdWatch(context), autoscaler.reconcileRequests());
  }

  @Override
  public ErrorStatusUpdateControl<NemotronDiffusionDeployment> updateErrorStatus(
      NemotronDiffusionDeployment resource,
      Context<NemotronDiffusionDeployment> context,
      Exception e) {
    // JOSDK logs the error and retries with exponential back-off; the status and an Event say why
    LOG.debugf(e, "reconciling %s failed", resource.getMetadata().getName());
    String message = ReconcileFailure.describe(e);
    var failed = StatusAggregator.failed(resource, message, Instant.now());
    if (failed.degradedChanged()) {
      events.warning(resource, StatusAggregator.RECONCILE_ERROR, message);
    }
    try {
      statusWriter.write(resource, failed.status());
    } catch (KubernetesClientException writeFailure) {
      LOG.warnf(
          "could not write the error status of %s: %s",
          resource.getMetadata().getName(), ReconcileFailure.describe(writeFailure));
    }
    // the status was written here, with the conflict handling of every other status write
    return ErrorStatusUpdateControl.noStatusUpdate();
  }

  private void reject(
      NemotronDiffusionDeployment resource,
      Context<NemotronDiffusionDeployment> context,
      Rejection rejection,
      MemoryEstimate sizing) {
    metrics.rejected(rejection.reason());
    FleetObservation seen =
        new FleetObservation(
            Optional.of(rejection),
            Optional.ofNullable(sizing),
            context.getSecondaryResource(Deployment.class),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            false,
            false,
            isBuiltin(resource.getSpec()),
            endpointOf(resource),
            selectorOf(resource));
    var aggregated = StatusAggregator.aggregate(resource, seen, Instant.now());
    if (aggregated.readyChanged()) {
      events.warning(resource, rejection.reason(), rejection.message());
    }
    statusWriter.write(resource, aggregated.status());
  }

  private void writeStatus(
      NemotronDiffusionDeployment resource,
      Context<NemotronDiffusionDeployment> context,
      FleetObservation seen) {
    var aggregated = StatusAggregator.aggregate(resource, seen, Instant.now());
    FetchFailure.newlyFailed(
            resource.getStatus(), aggregated.status(), resource.getSpec().getModel().getSource())
        .ifPresent(message -> events.warning(resource, FetchFailure.REASON, message));
    statusWriter.write(resource, aggregated.status());
  }

  private FleetObservation observe(
      Fleet fleet, Context<NemotronDiffusionDeployment> context, Optional<Rejection> rejection) {
    Optional<Job> fetchJob =
        fleet.hasWeightCache()
            ? context
                .getSecondaryResourcesAsStream(Job.class)
                .filter(j -> j.getMetadata().getName().equals(DesiredFetchJob.name(fleet)))
                .findFirst()
            : Optional.empty();
    return new FleetObservation(
        rejection,
        Optional.of(fleet.sizing()),
        context.getSecondaryResource(Deployment.class),
        fetchJob,
        fleet.hasWeightCache() ? Optional.of(DesiredFetchJob.name(fleet)) : Optional.empty(),
        fleet.hasWeightCache()
            ? context.getSecondaryResource(PersistentVolumeClaim.class)
            : Optional.empty(),
        fleet.hasWeightCache(),
        !fleet.source().needsDownload(),
        isBuiltin(fleet.spec()),
        fleet.endpoint(),
        selectorOf(fleet.resource()));
  }

  /**
   * Events for what the applied change does to the running fleet (see {@link SpecDiff}): scaling
   * only when the replica count changes, and a cache change besides whatever else changed, since it
   * touches the claim and not the pods.
   */
  private void announce(
      NemotronDiffusionDeployment resource, SpecDiff diff, int replicasBefore, Fleet fleet) {
    if (diff.includes(SpecChange.CACHE)) {
      events.normal(
          resource,
          "CacheClaimKept",
          ("changed %s: claim %s is kept; its storageClassName and accessMode cannot change (delete"
                  + " the claim to get a new one, the download then runs again); a larger size is"
                  + " requested, which the StorageClass grants only when it allows volume"
                  + " expansion; a smaller size is ignored")
              .formatted(diff.fields(SpecChange.CACHE), fleet.weightCacheName()));
    }
    switch (diff.meaningWithout(SpecChange.CACHE)) {
      case NONE, RETUNE_AUTOSCALER, CACHE -> {}
      case SCALE -> {
        if (replicasBefore != fleet.replicas()) {
          events.normal(
              resource,
              "Scaling",
              "changed %s: replicas %d -> %d"
                  .formatted(diff.fields(SpecChange.SCALE), replicasBefore, fleet.replicas()));
        }
      }
      case RELOAD_CONFIGURATION ->
          events.normal(
              resource,
              "ReloadingConfiguration",
              "changed "
                  + diff.fields()
                  + ": the ConfigMap is rewritten and the runtime reloads it; no pod restarts");
      case ROLL_PODS ->
          events.normal(
              resource,
              "RollingPods",
              "changed " + diff.fields() + ": pods roll one by one, capacity kept");
    }
  }

  private static String appliedSpec(Deployment deployment) {
    var annotations = deployment.getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get(DesiredDeployment.APPLIED_SPEC);
  }

  private static boolean isBuiltin(NemotronDiffusionDeploymentSpec spec) {
    return spec == null
        || spec.getScaling() == null
        || spec.getScaling().getActuator() != ScalingActuator.EXTERNAL;
  }

  private static String endpointOf(NemotronDiffusionDeployment resource) {
    return "http://%s.%s.svc:%d/v1"
        .formatted(
            resource.getMetadata().getName(),
            resource.getMetadata().getNamespace(),
            Fleet.HTTP_PORT);
  }

  private static String selectorOf(NemotronDiffusionDeployment resource) {
    return Fleet.selector(resource.getMetadata().getName());
  }
}
