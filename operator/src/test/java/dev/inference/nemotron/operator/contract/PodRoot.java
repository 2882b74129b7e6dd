package dev.inference.nemotron.operator.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A directory standing for an inference pod's {@code /} ({@code NDD_POD_ROOT}): the test plays the
 * kubelet and puts each file where the rendered pod's volumes would, reading mount paths, ConfigMap
 * keys and projected Secret items from the rendered objects, never from the operator's constants.
 *
 * @param dir the directory
 */
record PodRoot(Path dir) {

  /** A pod path (absolute) as the runtime under {@code NDD_POD_ROOT} sees it. */
  Path resolve(String podPath) {
    Path path = Path.of(podPath);
    assertThat(path.isAbsolute()).as("pod path %s is absolute", podPath).isTrue();
    return dir.resolve(path.getRoot().relativize(path));
  }

  /**
   * Mounts {@code container}'s ConfigMap and Secret volumes: the ConfigMap's data (the volume must
   * name {@code configMap}) and, for every projected Secret item, the key {@link #testKey} gives
   * it. Directories of the other volumes are created empty.
   */
  void mount(PodSpec pod, Container container, ConfigMap configMap) throws IOException {
    for (VolumeMount mount : container.getVolumeMounts()) {
      Volume volume = volume(pod, mount.getName());
      Path at = Files.createDirectories(resolve(mount.getMountPath()));
      if (volume.getConfigMap() != null) {
        assertThat(volume.getConfigMap().getName())
            .as("ConfigMap of volume %s", volume.getName())
            .isEqualTo(configMap.getMetadata().getName());
        writeConfigMap(at, volume.getConfigMap().getItems(), configMap.getData());
      } else if (volume.getProjected() != null) {
        for (VolumeProjection source : volume.getProjected().getSources()) {
          assertThat(source.getSecret())
              .as("projected sources of %s are Secrets", volume.getName())
              .isNotNull();
          for (KeyToPath item : source.getSecret().getItems()) {
            Path file = at.resolve(item.getPath());
            Files.createDirectories(file.getParent());
            Files.writeString(file, testKey(source.getSecret().getName(), item.getKey()) + "\n");
          }
        }
      }
    }
  }

  /**
   * Rewrites {@code container}'s ConfigMap volumes with {@code configMap}'s data, as the kubelet
   * does in a running pod when the ConfigMap changes; each file is replaced atomically, as the
   * kubelet swaps the volume's {@code ..data} link, so a reader never sees half a file.
   */
  void update(PodSpec pod, Container container, ConfigMap configMap) throws IOException {
    for (VolumeMount mount : container.getVolumeMounts()) {
      Volume volume = volume(pod, mount.getName());
      if (volume.getConfigMap() != null) {
        writeConfigMap(
            resolve(mount.getMountPath()), volume.getConfigMap().getItems(), configMap.getData());
      }
    }
  }

  /** The API key the test puts in key {@code key} of Secret {@code secret}. */
  static String testKey(String secret, String key) {
    return "sk-contract-" + secret + "-" + key;
  }

  /** The mount of {@code container} that holds pod path {@code podPath}; fails when none does. */
  static VolumeMount mountHolding(Container container, String podPath) {
    Path path = Path.of(podPath).normalize();
    return container.getVolumeMounts().stream()
        .filter(m -> path.startsWith(Path.of(m.getMountPath())))
        .max((a, b) -> Integer.compare(a.getMountPath().length(), b.getMountPath().length()))
        .orElseThrow(
            () ->
                new AssertionError(
                    "container "
                        + container.getName()
                        + " mounts nothing at "
                        + podPath
                        + "; its mounts: "
                        + container.getVolumeMounts().stream()
                            .map(VolumeMount::getMountPath)
                            .toList()));
  }

  static Volume volume(PodSpec pod, String name) {
    return pod.getVolumes().stream()
        .filter(v -> v.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("the pod has no volume " + name));
  }

  private static void writeConfigMap(Path at, List<KeyToPath> items, Map<String, String> data)
      throws IOException {
    if (items == null || items.isEmpty()) {
      for (Map.Entry<String, String> file : data.entrySet()) {
        replace(at.resolve(file.getKey()), file.getValue());
      }
      return;
    }
    for (KeyToPath item : items) {
      String content = data.get(item.getKey());
      Objects.requireNonNull(content, () -> "the ConfigMap has no key " + item.getKey());
      Path file = at.resolve(item.getPath());
      Files.createDirectories(file.getParent());
      replace(file, content);
    }
  }

  private static void replace(Path file, String content) throws IOException {
    Path next = Files.writeString(file.resolveSibling(file.getFileName() + ".next"), content);
    Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
