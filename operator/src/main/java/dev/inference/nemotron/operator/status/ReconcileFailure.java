package dev.inference.nemotron.operator.status;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.AggregatedOperatorException;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A short, safe description of why a reconciliation failed, for a condition message and an Event:
 * the API server's own reason for a refused request (never the request URL or the object's body,
 * which a client exception's message carries), named after the child that failed.
 */
public final class ReconcileFailure {

  /** Longest message written; Kubernetes caps a condition message at 32768 characters anyway. */
  static final int MAX_LENGTH = 400;

  private ReconcileFailure() {}

  /** The description of {@code failure}. */
  public static String describe(Throwable failure) {
    String text;
    AggregatedOperatorException aggregated = aggregated(failure);
    if (aggregated != null && !aggregated.getAggregatedExceptions().isEmpty()) {
      text =
          aggregated.getAggregatedExceptions().entrySet().stream()
              .sorted(Map.Entry.comparingByKey())
              .map(e -> e.getKey() + ": " + single(e.getValue()))
              .collect(Collectors.joining("; "));
    } else {
      text = single(failure);
    }
    return text.length() <= MAX_LENGTH ? text : text.substring(0, MAX_LENGTH - 3) + "...";
  }

  /** The workflow's per-dependent failures, which JOSDK wraps in an OperatorException. */
  private static AggregatedOperatorException aggregated(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof AggregatedOperatorException aggregated) {
        return aggregated;
      }
    }
    return null;
  }

  private static String single(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof KubernetesClientException client
          && client.getStatus() != null
          && client.getStatus().getMessage() != null) {
        return "HTTP %d: %s".formatted(client.getCode(), client.getStatus().getMessage());
      }
    }
    String message = failure.getMessage();
    if (message == null || message.isBlank()) {
      return failure.getClass().getSimpleName();
    }
    // the first line only: later lines of wrapped exceptions repeat causes or dump objects
    return message.lines().findFirst().orElse(message).strip();
  }
}
