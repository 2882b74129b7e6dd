package dev.inference.nemotron.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.AggregatedOperatorException;
import io.javaoperatorsdk.operator.OperatorException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Failure descriptions name the child and the API server's reason, never URLs or bodies. */
class ReconcileFailureTest {

  private static KubernetesClientException refused(int code, String reason) {
    return new KubernetesClientException(
        "Failure executing: PUT at: https://10.0.0.1/api/v1/namespaces/a/secrets/x. Message: "
            + reason
            + ". Received status: Status(details=StatusDetails(data=c2VjcmV0))",
        code,
        new StatusBuilder().withCode(code).withMessage(reason).build());
  }

  @Test
  void workflowFailuresAreListedByDependentWithTheServersReason() {
    Map<String, Exception> failures = new LinkedHashMap<>();
    failures.put("service", refused(403, "services \"a\" is forbidden"));
    failures.put("deployment", new IllegalStateException("no image\n\tat some.Frame"));
    var wrapped =
        new OperatorException(new AggregatedOperatorException("Exception(s) during", failures));

    assertThat(ReconcileFailure.describe(wrapped))
        .isEqualTo("deployment: no image; service: HTTP 403: services \"a\" is forbidden");
  }

  @Test
  void clientFailureIsReducedToCodeAndReason() {
    String described = ReconcileFailure.describe(refused(409, "ConfigMap 'a' already exists"));

    assertThat(described).isEqualTo("HTTP 409: ConfigMap 'a' already exists");
    assertThat(described).doesNotContain("https://").doesNotContain("c2VjcmV0");
  }

  @Test
  void longDescriptionsAreCutAndEmptyOnesNameTheFailure() {
    String described = ReconcileFailure.describe(new IllegalArgumentException("x".repeat(1000)));

    assertThat(described).hasSize(ReconcileFailure.MAX_LENGTH).endsWith("...");
    assertThat(ReconcileFailure.describe(new NullPointerException()))
        .isEqualTo("NullPointerException");
  }
}
