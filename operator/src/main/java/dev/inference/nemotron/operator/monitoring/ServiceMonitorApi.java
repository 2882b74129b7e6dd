package dev.inference.nemotron.operator.monitoring;

import dev.inference.nemotron.api.v1alpha1.NemotronDiffusionDeployment;
import dev.inference.nemotron.operator.desired.DesiredServiceMonitor;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.javaoperatorsdk.operator.api.config.informer.FieldSelector;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Whether the cluster serves the Prometheus Operator's {@code monitoring.coreos.com/v1}
 * ServiceMonitors, answered from a watch of that one CRD ({@link #watch}): the informer lists and
 * watches {@code customresourcedefinitions} with the field selector {@code metadata.name=}{@value
 * DesiredServiceMonitor#CRD_NAME}, so the operator's role may limit list and watch to that resource
 * name. Every reconcile reads the informer's cache; none asks the API. When the CRD appears (or
 * starts serving v1), every fleet is reconciled once and gets its ServiceMonitor; while it is
 * absent, nothing is reconciled for it.
 */
@ApplicationScoped
public class ServiceMonitorApi {

  /** Name of the event source, as JOSDK reports it. */
  public static final String EVENT_SOURCE = "prometheus-operator-crd";

  private static final ResourceID CRD = new ResourceID(DesiredServiceMonitor.CRD_NAME);

  private volatile InformerEventSource<CustomResourceDefinition, NemotronDiffusionDeployment> watch;

  /**
   * The event source that watches the CRD, for {@code prepareEventSources}; its cache answers
   * {@link #served()}. An appearing CRD triggers a reconcile of every fleet the controller knows;
   * its other changes only when they turn serving on, and its removal none (the API server deletes
   * the ServiceMonitors with their CRD).
   */
  public EventSource<CustomResourceDefinition, NemotronDiffusionDeployment> watch(
      EventSourceContext<NemotronDiffusionDeployment> context) {
    var configuration =
        InformerEventSourceConfiguration.from(
                CustomResourceDefinition.class, NemotronDiffusionDeployment.class)
            .withName(EVENT_SOURCE)
            // cluster-scoped: one informer, whatever namespaces the controller watches
            .withWatchAllNamespaces()
            .withFieldSelector(
                new FieldSelector(
                    new FieldSelector.Field("metadata.name", DesiredServiceMonitor.CRD_NAME)))
            .withSecondaryToPrimaryMapper(crd -> everyFleet(context))
            .withOnAddFilter(ServiceMonitorApi::servesV1)
            .withOnUpdateFilter((now, before) -> servesV1(now) && !servesV1(before))
            .withOnDeleteFilter((crd, finalStateUnknown) -> false)
            .build();
    var created = new InformerEventSource<>(configuration, context);
    watch = created;
    return created;
  }

  /**
   * Whether ServiceMonitors can be written, from the watch's cache (false until the watch runs).
   */
  public boolean served() {
    var current = watch;
    return current != null && current.get(CRD).map(ServiceMonitorApi::servesV1).orElse(false);
  }

  private static boolean servesV1(CustomResourceDefinition crd) {
    return crd.getSpec() != null
        && crd.getSpec().getVersions() != null
        && crd.getSpec().getVersions().stream()
            .anyMatch(
                v ->
                    DesiredServiceMonitor.VERSION.equals(v.getName())
                        && Boolean.TRUE.equals(v.getServed()));
  }

  private static Set<ResourceID> everyFleet(
      EventSourceContext<NemotronDiffusionDeployment> context) {
    return context
        .getPrimaryCache()
        .list()
        .map(ResourceID::fromResource)
        .collect(Collectors.toSet());
  }
}
