package dev.inference.nemotron.operator.status;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.inference.nemotron.api.v1alpha1.NemotronDiffusionDeployment;
import dev.inference.nemotron.api.v1alpha1.NemotronDiffusionDeploymentStatus;
import dev.inference.nemotron.operator.metrics.ReconcileMetrics;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.HttpURLConnection;
import org.jboss.logging.Logger;

/**
 * Writes the status subresource only when it differs from what the resource has, guarded by the
 * resource version. The operator's copy may be stale (its own last write, or a user's edit, raced
 * it): on a conflict it reads the latest resource, compares again and writes once more. The status
 * is derived from the cluster, so writing it onto the latest version is correct.
 */
@ApplicationScoped
public class StatusWriter {

  private static final Logger LOG = Logger.getLogger(StatusWriter.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What {@link #write} did. */
  public enum Write {
    /** The resource already had this status. */
    UNCHANGED,
    WRITTEN,
    /** The first write met a newer version (409): written onto the latest one. */
    WRITTEN_AFTER_CONFLICT,
    /** After a conflict, the latest version already had this status. */
    UNCHANGED_AFTER_CONFLICT,
    /** After a conflict, the resource was gone. */
    GONE
  }

  private final KubernetesClient client;
  private final ReconcileMetrics metrics;

  public StatusWriter(KubernetesClient client, ReconcileMetrics metrics) {
    this.client = client;
    this.metrics = metrics;
  }

  /** Writes {@code status} onto {@code resource} if it differs. */
  public Write write(
      NemotronDiffusionDeployment resource, NemotronDiffusionDeploymentStatus status) {
    if (same(resource.getStatus(), status)) {
      return Write.UNCHANGED;
    }
    try {
      replaceStatus(resource, status);
      return Write.WRITTEN;
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
        throw e;
      }
      metrics.statusConflict();
      NemotronDiffusionDeployment latest =
          client
              .resources(NemotronDiffusionDeployment.class)
              .inNamespace(resource.getMetadata().getNamespace())
              .withName(resource.getMetadata().getName())
              .get();
      if (latest == null) {
        LOG.debugf("%s was deleted while its status was written", resource.getMetadata().getName());
        return Write.GONE;
      }
      // the autoscaler's loop may have written its fields in between: keep them
      NemotronDiffusionDeploymentStatus merged =
          ScalingStatus.withLoopFieldsOf(latest.getStatus(), status);
      if (same(latest.getStatus(), merged)) {
        return Write.UNCHANGED_AFTER_CONFLICT;
      }
      LOG.debugf(
          "status of %s conflicted at version %s; writing onto version %s",
          resource.getMetadata().getName(),
          resource.getMetadata().getResourceVersion(),
          latest.getMetadata().getResourceVersion());
      replaceStatus(latest, merged);
      return Write.WRITTEN_AFTER_CONFLICT;
    }
  }

  private void replaceStatus(
      NemotronDiffusionDeployment base, NemotronDiffusionDeploymentStatus status) {
    NemotronDiffusionDeployment copy = new NemotronDiffusionDeployment();
    copy.setMetadata(base.getMetadata());
    copy.setSpec(base.getSpec());
    copy.setStatus(status);
    client.resource(copy).updateStatus();
  }

  private static boolean same(
      NemotronDiffusionDeploymentStatus a, NemotronDiffusionDeploymentStatus b) {
    return JSON.valueToTree(a).equals(JSON.valueToTree(b));
  }
}
