package dev.inference.nemotron.operator.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.inference.nemotron.api.v1alpha1.NemotronDiffusionDeployment;
import dev.inference.nemotron.operator.desired.DesiredServiceMonitor;
import dev.inference.nemotron.operator.desired.Fleet;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.HttpURLConnection;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Keeps a fleet's ServiceMonitor as {@link DesiredServiceMonitor} builds it, where the cluster
 * serves the kind, and does nothing elsewhere. Not a JOSDK dependent: a dependent registers an
 * informer for its kind when the controller starts, which fails on clusters without the CRD even
 * when the dependent's activation condition is false. Deleting the fleet removes the ServiceMonitor
 * through its owner reference.
 */
@ApplicationScoped
public class FleetServiceMonitor {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** What {@link #apply} did. */
  public enum Outcome {
    CREATED,
    UPDATED,
    UNCHANGED,
    /** The cluster does not serve ServiceMonitors: nothing was written. */
    API_ABSENT
  }

  private final KubernetesClient client;
  private final ServiceMonitorApi api;

  public FleetServiceMonitor(KubernetesClient client, ServiceMonitorApi api) {
    this.client = client;
    this.api = api;
  }

  /**
   * The watch of the Prometheus Operator's CRD that tells {@link #apply} whether to write, and
   * reconciles every fleet when the CRD appears (see {@link ServiceMonitorApi#watch}).
   */
  public EventSource<CustomResourceDefinition, NemotronDiffusionDeployment>
      prometheusOperatorCrdWatch(EventSourceContext<NemotronDiffusionDeployment> context) {
    return api.watch(context);
  }

  /** Creates or updates the fleet's ServiceMonitor; writes only when it differs. */
  public Outcome apply(Fleet fleet) {
    if (!api.served()) {
      return Outcome.API_ABSENT;
    }
    GenericKubernetesResource desired = DesiredServiceMonitor.of(fleet);
    var monitors =
        client
            .genericKubernetesResources(DesiredServiceMonitor.CONTEXT)
            .inNamespace(fleet.namespace());
    try {
      GenericKubernetesResource current = monitors.withName(desired.getMetadata().getName()).get();
      if (current == null) {
        monitors.resource(desired).create();
        return Outcome.CREATED;
      }
      if (covers(current, desired)) {
        return Outcome.UNCHANGED;
      }
      monitors.resource(merged(current, desired)).update();
      return Outcome.UPDATED;
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_NOT_FOUND) {
        throw e;
      }
      // the CRD was removed and the watch has not seen it yet
      return Outcome.API_ABSENT;
    }
  }

  /** Whether {@code current} has the desired spec, owner and labels (others' labels may stay). */
  private static boolean covers(
      GenericKubernetesResource current, GenericKubernetesResource desired) {
    Map<String, String> labels =
        Objects.requireNonNullElse(current.getMetadata().getLabels(), Map.of());
    return spec(current).equals(spec(desired))
        && labels.entrySet().containsAll(desired.getMetadata().getLabels().entrySet())
        && Objects.equals(
            current.getMetadata().getOwnerReferences(), desired.getMetadata().getOwnerReferences());
  }

  /** The desired object on the current one's version, keeping labels others added. */
  private static GenericKubernetesResource merged(
      GenericKubernetesResource current, GenericKubernetesResource desired) {
    Map<String, String> labels = new TreeMap<>();
    if (current.getMetadata().getLabels() != null) {
      labels.putAll(current.getMetadata().getLabels());
    }
    labels.putAll(desired.getMetadata().getLabels());
    desired.getMetadata().setLabels(labels);
    desired.getMetadata().setAnnotations(current.getMetadata().getAnnotations());
    desired.getMetadata().setResourceVersion(current.getMetadata().getResourceVersion());
    return desired;
  }

  private static JsonNode spec(GenericKubernetesResource monitor) {
    return JSON.valueToTree(monitor.getAdditionalProperties().get("spec"));
  }
}
