package dev.inference.nemotron.operator.status;

import static dev.inference.nemotron.api.v1alpha1.NemotronDiffusionDeploymentStatus.MODEL_CACHED;

import dev.inference.nemotron.api.v1alpha1.ModelSource;
import dev.inference.nemotron.api.v1alpha1.NemotronDiffusionDeploymentStatus;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.Objects;
import java.util.Optional;

/**
 * The Warning Event for a failed download Job, recorded once per Job: when ModelCached turns to
 * {@link StatusAggregator#DOWNLOAD_FAILED}, or names another Job than before. A failed Job is never
 * run again, so the Event says what to check and how to get a new attempt.
 */
public final class FetchFailure {

  /** Reason of the Event. */
  public static final String REASON = StatusAggregator.DOWNLOAD_FAILED;

  private FetchFailure() {}

  /**
   * The Event message when {@code after} newly reports a failed download, empty otherwise.
   *
   * @param before the status the resource had (may be null)
   * @param after the status about to be written
   * @param source the model source the failed Job downloads
   */
  public static Optional<String> newlyFailed(
      NemotronDiffusionDeploymentStatus before,
      NemotronDiffusionDeploymentStatus after,
      ModelSource source) {
    Optional<Condition> now = modelCached(after).filter(c -> REASON.equals(c.getReason()));
    if (now.isEmpty()) {
      return Optional.empty();
    }
    boolean alreadyReported =
        modelCached(before)
            .filter(c -> REASON.equals(c.getReason()))
            .filter(c -> Objects.equals(c.getMessage(), now.get().getMessage()))
            .isPresent();
    return alreadyReported ? Optional.empty() : Optional.of(message(now.get(), source));
  }

  private static String message(Condition failed, ModelSource source) {
    String credentials =
        source.getSecretRef() == null
            ? "no model.source.secretRef is set: a gated or private source needs one"
            : "Secret %s exists in this namespace and holds a valid token"
                .formatted(source.getSecretRef());
    return String.format(
        "%s. Check that %s, and that %s%s is reachable and exists. A failed Job is not run"
            + " again: changing model.source (uri, revision or secretRef) or deleting the Job"
            + " retries the download.",
        failed.getMessage(),
        credentials,
        source.getUri(),
        source.getRevision() == null ? "" : " (revision " + source.getRevision() + ")");
  }

  private static Optional<Condition> modelCached(NemotronDiffusionDeploymentStatus status) {
    if (status == null || status.getConditions() == null) {
      return Optional.empty();
    }
    return status.getConditions().stream()
        .filter(c -> MODEL_CACHED.equals(c.getType()))
        .findFirst();
  }
}
