package dev.inference.nemotron.operator.autoscale;

import dev.inference.nemotron.operator.desired.Fleet;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Pod;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A fleet's pods as the scraper sees them: the ready ones to scrape, at their pod IP and the
 * container port named {@value Fleet#HTTP_PORT_NAME} (the port the pod template declares), and how
 * many are not ready yet (capacity on the way). Terminating pods count as neither.
 *
 * @param targets ready pods with an IP, by name
 * @param notReady pods that are neither ready nor terminating
 */
public record FleetPods(List<PodScraper.Target> targets, int notReady) {

  /** Sorts {@code pods} into targets and pods not ready. */
  public static FleetPods of(List<Pod> pods) {
    List<PodScraper.Target> targets = new ArrayList<>();
    int notReady = 0;
    for (Pod pod : pods) {
      if (pod.getMetadata().getDeletionTimestamp() != null) {
        continue;
      }
      if (ready(pod)) {
        targets.add(
            new PodScraper.Target(
                pod.getMetadata().getName(),
                URI.create("http://%s:%d".formatted(host(pod.getStatus().getPodIP()), port(pod)))));
      } else {
        notReady++;
      }
    }
    targets.sort(Comparator.comparing(PodScraper.Target::pod));
    return new FleetPods(List.copyOf(targets), notReady);
  }

  /** Ready condition True and an IP to reach it at. */
  static boolean ready(Pod pod) {
    return pod.getStatus() != null
        && pod.getStatus().getPodIP() != null
        && !pod.getStatus().getPodIP().isBlank()
        && pod.getStatus().getConditions() != null
        && pod.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  /** The container port named {@code http}, else the runtime's default port. */
  static int port(Pod pod) {
    if (pod.getSpec() != null && pod.getSpec().getContainers() != null) {
      for (Container c : pod.getSpec().getContainers()) {
        if (c.getPorts() == null) {
          continue;
        }
        for (ContainerPort p : c.getPorts()) {
          if (Fleet.HTTP_PORT_NAME.equals(p.getName()) && p.getContainerPort() != null) {
            return p.getContainerPort();
          }
        }
      }
    }
    return Fleet.HTTP_PORT;
  }

  private static String host(String ip) {
    return ip.contains(":") ? "[" + ip + "]" : ip;
  }
}
