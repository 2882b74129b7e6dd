package dev.inference.nemotron.operator.status;

import dev.inference.nemotron.api.v1alpha1.NemotronDiffusionDeployment;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Kubernetes Events about a deployment ({@code kubectl describe ndd} shows them): rejected specs
 * and rollouts. Best effort: a failed Event is logged, never a failed reconciliation.
 */
@ApplicationScoped
public class FleetEvents {

  static final String COMPONENT = "nemotron-operator";
  private static final Logger LOG = Logger.getLogger(FleetEvents.class);

  private final KubernetesClient client;

  public FleetEvents(KubernetesClient client) {
    this.client = client;
  }

  /** A Normal event. */
  public void normal(NemotronDiffusionDeployment resource, String reason, String message) {
    record(resource, "Normal", reason, message);
  }

  /** A Warning event. */
  public void warning(NemotronDiffusionDeployment resource, String reason, String message) {
    record(resource, "Warning", reason, message);
  }

  private void record(
      NemotronDiffusionDeployment resource, String type, String reason, String message) {
    ObjectMeta meta = resource.getMetadata();
    String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    Event event =
        new EventBuilder()
            .withNewMetadata()
            .withName(meta.getName() + "." + UUID.randomUUID().toString().substring(0, 13))
            .withNamespace(meta.getNamespace())
            .endMetadata()
            .withNewInvolvedObject()
            .withApiVersion(resource.getApiVersion())
            .withKind(resource.getKind())
            .withName(meta.getName())
            .withNamespace(meta.getNamespace())
            .withUid(meta.getUid())
            .withResourceVersion(meta.getResourceVersion())
            .endInvolvedObject()
            .withType(type)
            .withReason(reason)
            .withMessage(message)
            .withFirstTimestamp(now)
            .withLastTimestamp(now)
            .withCount(1)
            .withReportingComponent(COMPONENT)
            .withNewSource()
            .withComponent(COMPONENT)
            .endSource()
            .build();
    try {
      client.v1().events().inNamespace(meta.getNamespace()).resource(event).create();
    } catch (KubernetesClientException e) {
      LOG.warnf("could not record event %s for %s: %s", reason, meta.getName(), e.getMessage());
    }
  }
}
