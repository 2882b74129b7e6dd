package dev.inference.nemotron.e2e;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A directory standing for a pod's {@code /} ({@code NDD_POD_ROOT}), laid out the way the kubelet
 * mounts a container's volumes: ConfigMap and Secret files read from the stand-in API, a hostPath
 * volume as a symbolic link to the node directory, emptyDirs as empty directories. PVCs are not
 * provisioned here: their mount is an empty directory.
 *
 * @param dir the directory
 */
record PodRoot(Path dir) {

  /** A pod path (absolute) as the runtime under {@code NDD_POD_ROOT} sees it. */
  Path resolve(String podPath) {
    Path path = Path.of(podPath);
    if (!path.isAbsolute()) {
      throw new IllegalArgumentException("pod path " + podPath + " is not absolute");
    }
    return dir.resolve(path.getRoot().relativize(path));
  }

  /**
   * Mounts {@code container}'s volumes of {@code pod} in namespace {@code namespace}.
   *
   * @return what could not be mounted as in a cluster (empty when everything was)
   */
  List<String> mount(KubernetesClient client, String namespace, PodSpec pod, Container container)
      throws IOException {
    return mount(client, namespace, pod, container, false);
  }

  /**
   * Brings the mounted ConfigMap and Secret files of a running container up to date, as the kubelet
   * does periodically: a file is replaced (atomically) only when its content changed, so the
   * runtime's config watcher sees one change per API change, never a half-written file.
   */
  void refresh(KubernetesClient client, String namespace, PodSpec pod, Container container)
      throws IOException {
    mount(client, namespace, pod, container, true);
  }

  private List<String> mount(
      KubernetesClient client,
      String namespace,
      PodSpec pod,
      Container container,
      boolean filesOnly)
      throws IOException {
    List<String> notes = new java.util.ArrayList<>();
    for (VolumeMount mount :
        Objects.requireNonNullElse(container.getVolumeMounts(), List.<VolumeMount>of())) {
      Volume volume = volume(pod, mount.getName());
      Path at = resolve(mount.getMountPath());
      if (filesOnly
          && volume.getConfigMap() == null
          && volume.getSecret() == null
          && volume.getProjected() == null) {
        continue;
      }
      Files.createDirectories(at.getParent());
      if (volume.getHostPath() != null) {
        Path node = Path.of(volume.getHostPath().getPath());
        if (!Files.isDirectory(node)) {
          throw new IOException(
              "hostPath " + node + " of volume " + volume.getName() + " is not a directory");
        }
        Files.deleteIfExists(at);
        Files.createSymbolicLink(at, node);
        continue;
      }
      Files.createDirectories(at);
      if (volume.getConfigMap() != null) {
        ConfigMap map =
            client
                .configMaps()
                .inNamespace(namespace)
                .withName(volume.getConfigMap().getName())
                .get();
        if (map == null) {
          throw new IOException("ConfigMap " + volume.getConfigMap().getName() + " does not exist");
        }
        write(at, volume.getConfigMap().getItems(), strings(map.getData(), map.getBinaryData()));
      } else if (volume.getSecret() != null) {
        write(
            at,
            volume.getSecret().getItems(),
            secret(client, namespace, volume.getSecret().getSecretName()));
      } else if (volume.getProjected() != null) {
        for (VolumeProjection source : volume.getProjected().getSources()) {
          if (source.getSecret() != null) {
            write(
                at,
                source.getSecret().getItems(),
                secret(client, namespace, source.getSecret().getName()));
          } else if (source.getConfigMap() != null) {
            ConfigMap map =
                client
                    .configMaps()
                    .inNamespace(namespace)
                    .withName(source.getConfigMap().getName())
                    .get();
            if (map == null) {
              throw new IOException(
                  "ConfigMap " + source.getConfigMap().getName() + " does not exist");
            }
            write(
                at, source.getConfigMap().getItems(), strings(map.getData(), map.getBinaryData()));
          }
        }
      } else if (volume.getPersistentVolumeClaim() != null) {
        notes.add(
            "volume "
                + volume.getName()
                + " (PVC "
                + volume.getPersistentVolumeClaim().getClaimName()
                + ") is an empty directory here: the local fleet provisions no storage");
      }
    }
    return notes;
  }

  static Volume volume(PodSpec pod, String name) {
    return pod.getVolumes().stream()
        .filter(v -> v.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("the pod has no volume " + name));
  }

  private static Map<String, String> secret(KubernetesClient client, String namespace, String name)
      throws IOException {
    Secret secret = client.secrets().inNamespace(namespace).withName(name).get();
    if (secret == null) {
      throw new IOException("Secret " + name + " does not exist in namespace " + namespace);
    }
    Map<String, String> data = new LinkedHashMap<>();
    // the stand-in keeps stringData as given; an API server would have merged it into data
    if (secret.getData() != null) {
      secret
          .getData()
          .forEach(
              (k, v) ->
                  data.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
    }
    if (secret.getStringData() != null) {
      data.putAll(secret.getStringData());
    }
    return data;
  }

  private static Map<String, String> strings(Map<String, String> data, Map<String, String> binary) {
    Map<String, String> all = new LinkedHashMap<>(Objects.requireNonNullElse(data, Map.of()));
    if (binary != null) {
      binary.forEach(
          (k, v) ->
              all.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.ISO_8859_1)));
    }
    return all;
  }

  private static void write(Path at, List<KeyToPath> items, Map<String, String> data)
      throws IOException {
    if (items == null || items.isEmpty()) {
      for (Map.Entry<String, String> file : data.entrySet()) {
        replace(at.resolve(file.getKey()), file.getValue());
      }
      return;
    }
    for (KeyToPath item : items) {
      String content = data.get(item.getKey());
      if (content == null) {
        throw new IOException("no key " + item.getKey() + " for " + at);
      }
      Path file = at.resolve(item.getPath());
      Files.createDirectories(file.getParent());
      replace(file, content);
    }
  }

  /** Writes {@code content} to {@code file} unless it already holds it, by an atomic rename. */
  private static void replace(Path file, String content) throws IOException {
    if (Files.isRegularFile(file) && Files.readString(file).equals(content)) {
      return;
    }
    Path next = file.resolveSibling("." + file.getFileName() + ".next");
    Files.writeString(next, content);
    Files.move(
        next,
        file,
        java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }
}
