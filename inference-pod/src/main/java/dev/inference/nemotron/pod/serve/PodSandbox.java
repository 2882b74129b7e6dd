package dev.inference.nemotron.pod.serve;

import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalInt;

/**
 * What a container runtime gives every pod and a process on a shared machine lacks: its own file
 * system view (the ConfigMap at {@code /etc/nemotron}, weights at {@code /models}, tenant keys
 * under {@code /var/run/secrets}) and its own network namespace (port 8080 for every replica). The
 * local fleet and the contract tests play the kubelet: they run the pod's exact command with {@code
 * NDD_POD_ROOT} (a directory standing for {@code /}: absolute paths of the pod layout resolve under
 * it) and {@code NDD_POD_PORT} (the port the replica really listens on). Neither is set in a pod.
 *
 * @param root the directory standing for the pod's {@code /}, or null
 * @param port the port to listen on instead of the configured one, or empty
 */
public record PodSandbox(Path root, OptionalInt port) {
  /** The environment variable naming the directory that stands for the pod's root. */
  public static final String ROOT_ENV = "NDD_POD_ROOT";

  /** The environment variable naming the port a replica listens on. */
  public static final String PORT_ENV = "NDD_POD_PORT";

  /** No sandbox: paths and ports as configured (in a pod). */
  public static final PodSandbox NONE = new PodSandbox(null, OptionalInt.empty());

  /** The sandbox the environment describes. */
  public static PodSandbox fromEnvironment(Map<String, String> env) {
    String root = env.get(ROOT_ENV);
    String port = env.get(PORT_ENV);
    OptionalInt p = OptionalInt.empty();
    if (port != null && !port.isBlank()) {
      try {
        p = OptionalInt.of(Integer.parseInt(port.trim()));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(PORT_ENV + " must be a port number, got '" + port + "'");
      }
      if (p.getAsInt() < 1 || p.getAsInt() > 65535) {
        throw new IllegalArgumentException(PORT_ENV + " must be in [1, 65535], got " + port);
      }
    }
    return new PodSandbox(root == null || root.isBlank() ? null : Path.of(root), p);
  }

  /** Whether anything is remapped. */
  public boolean active() {
    return root != null || port.isPresent();
  }

  /** {@code path} as this process sees it: an absolute pod path resolves under the root. */
  public Path resolve(Path path) {
    if (root == null || !path.isAbsolute()) {
      return path;
    }
    return root.resolve(path.getRoot().relativize(path));
  }

  /** One line saying what is remapped, for the log. */
  public String describe() {
    return "pod sandbox (a local stand-in for a container's mounts and network): "
        + (root != null ? "pod paths under " + root : "paths as given")
        + (port.isPresent() ? ", listening on port " + port.getAsInt() : "");
  }
}
