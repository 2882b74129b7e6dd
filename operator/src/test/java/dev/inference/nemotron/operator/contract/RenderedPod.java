package dev.inference.nemotron.operator.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.inference.nemotron.operator.desired.DesiredConfigMap;
import dev.inference.nemotron.operator.desired.DesiredDeployment;
import dev.inference.nemotron.operator.desired.DesiredServiceMonitor;
import dev.inference.nemotron.operator.desired.Fleet;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the operator renders for a fleet, read the way the kubelet and Prometheus read it: the pod
 * of the Deployment the dependent applies, its runtime container, and the ServiceMonitor's scrape.
 *
 * @param fleet the fleet
 * @param pod the Deployment's pod spec
 * @param runtime the container running {@code serve}
 * @param configMap the runtime configuration
 */
record RenderedPod(Fleet fleet, PodSpec pod, Container runtime, ConfigMap configMap) {

  static RenderedPod of(Fleet fleet) {
    PodSpec pod = DesiredDeployment.of(fleet).getSpec().getTemplate().getSpec();
    assertThat(pod.getContainers()).hasSize(1);
    Container runtime = pod.getContainers().getFirst();
    assertThat(runtime.getArgs().getFirst()).isEqualTo("serve");
    return new RenderedPod(fleet, pod, runtime, DesiredConfigMap.of(fleet));
  }

  /** The file {@code serve --config} reads. */
  String configPath() {
    return option(runtime.getArgs(), "--config");
  }

  /** The ConfigMap's document that its volume puts at {@link #configPath()}. */
  String document() {
    Path config = Path.of(configPath());
    VolumeMount mount = PodRoot.mountHolding(runtime, config.toString());
    assertThat(PodRoot.volume(pod, mount.getName()).getConfigMap())
        .as("volume %s at %s", mount.getName(), mount.getMountPath())
        .isNotNull();
    String key = Path.of(mount.getMountPath()).relativize(config).toString();
    assertThat(configMap.getData()).containsKey(key);
    return configMap.getData().get(key);
  }

  /** The startup, liveness and readiness probes of the runtime container. */
  List<Probe> probes() {
    return List.of(
        runtime.getStartupProbe(), runtime.getLivenessProbe(), runtime.getReadinessProbe());
  }

  /** The init containers, none when absent. */
  List<Container> initContainers() {
    return Objects.requireNonNullElse(pod.getInitContainers(), List.of());
  }

  /** The runtime container's port {@code port}; fails when it declares none. */
  ContainerPort containerPort(int port) {
    return runtime.getPorts().stream()
        .filter(p -> p.getContainerPort() == port)
        .findFirst()
        .orElseThrow(
            () ->
                new AssertionError(
                    "the runtime listens on " + port + "; its container declares no such port"));
  }

  /** The ServiceMonitor's one endpoint ({@code port}, {@code path}, ...). */
  @SuppressWarnings("unchecked")
  Map<String, Object> monitorEndpoint() {
    Map<String, Object> spec =
        (Map<String, Object>) DesiredServiceMonitor.of(fleet).getAdditionalProperties().get("spec");
    List<Map<String, Object>> endpoints = (List<Map<String, Object>>) spec.get("endpoints");
    assertThat(endpoints).hasSize(1);
    return endpoints.getFirst();
  }

  /** The path Prometheus scrapes: the ServiceMonitor's, else its default {@code /metrics}. */
  String metricsPath() {
    return (String) monitorEndpoint().getOrDefault("path", "/metrics");
  }

  /** The value of option {@code name} in a container's arguments. */
  static String option(List<String> args, String name) {
    int at = args.indexOf(name);
    assertThat(at).as("%s in %s", name, args).isNotNegative().isLessThan(args.size() - 1);
    return args.get(at + 1);
  }

  /** Asserts that {@code port} (a probe's or Service's) names or numbers {@code containerPort}. */
  static void assertRefersTo(IntOrString port, ContainerPort containerPort) {
    if (port.getStrVal() != null) {
      assertThat(port.getStrVal()).isEqualTo(containerPort.getName());
    } else {
      assertThat(port.getIntVal()).isEqualTo(containerPort.getContainerPort());
    }
  }
}
