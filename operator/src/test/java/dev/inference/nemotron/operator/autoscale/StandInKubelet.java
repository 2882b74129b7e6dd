package dev.inference.nemotron.operator.autoscale;

import static org.awaitility.Awaitility.await;

import dev.inference.nemotron.operator.desired.Fleet;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The part of a cluster the fabric8 mock API server (CRUD mode) does not play in the autoscaler's
 * tests: no controller or kubelet turns a Deployment into running pods, so a test reports one
 * itself, as a kubelet would; and the reads of what the operator wrote that both tests need.
 */
final class StandInKubelet {
  private final KubernetesClient client;

  StandInKubelet(KubernetesClient client) {
    this.client = client;
  }

  /** The fleet's Deployment, once the operator has created it. */
  Deployment deployment(String ns, String name) {
    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> client.apps().deployments().inNamespace(ns).withName(name).get() != null);
    return client.apps().deployments().inNamespace(ns).withName(name).get();
  }

  /** What a kubelet would report: a ready pod of the fleet at 127.0.0.1 on {@code port}. */
  void readyPod(String ns, String fleet, String pod, int port) {
    Map<String, String> labels =
        new LinkedHashMap<>(
            deployment(ns, fleet).getSpec().getTemplate().getMetadata().getLabels());
    Pod created =
        client
            .pods()
            .inNamespace(ns)
            .resource(
                new PodBuilder()
                    .withNewMetadata()
                    .withName(pod)
                    .withNamespace(ns)
                    .withLabels(labels)
                    .endMetadata()
                    .withNewSpec()
                    .addNewContainer()
                    .withName("runtime")
                    .withImage("stand-in")
                    .addNewPort()
                    .withName(Fleet.HTTP_PORT_NAME)
                    .withContainerPort(port)
                    .endPort()
                    .endContainer()
                    .endSpec()
                    .build())
            .create();
    created.setStatus(
        new PodStatusBuilder()
            .withPhase("Running")
            .withPodIP("127.0.0.1")
            .addNewCondition()
            .withType("Ready")
            .withStatus("True")
            .endCondition()
            .build());
    client.pods().inNamespace(ns).resource(created).updateStatus();
  }

  /** The Events in {@code ns} with {@code reason}. */
  List<Event> events(String ns, String reason) {
    return client.v1().events().inNamespace(ns).list().getItems().stream()
        .filter(e -> reason.equals(e.getReason()))
        .toList();
  }
}
