package dev.inference.nemotron.operator.spec;

import java.util.List;
import java.util.Optional;

/**
 * Which node directories {@code file://} model sources may mount as hostPath volumes. A hostPath
 * lets a tenant's pods read the node's files, so it is off unless the operator's administrator
 * lists the directories that hold models in {@code nemotron.operator.allowed-host-path-prefixes}. A
 * source must then name a normalized absolute path equal to or below one of them.
 *
 * @param allowedPrefixes absolute, normalized directories (a trailing {@code /} is dropped); never
 *     {@code /} itself
 */
public record HostPathPolicy(List<String> allowedPrefixes) {

  /** The operator setting that lists the prefixes. */
  public static final String SETTING = "nemotron.operator.allowed-host-path-prefixes";

  /** No host path allowed: the default. */
  public static final HostPathPolicy NONE = new HostPathPolicy(List.of());

  public HostPathPolicy {
    allowedPrefixes = allowedPrefixes.stream().map(HostPathPolicy::withoutTrailingSlash).toList();
    for (String prefix : allowedPrefixes) {
      if (prefix.isEmpty() || !isNormalAbsolute(prefix)) {
        throw new IllegalArgumentException(
            SETTING
                + ": '"
                + prefix
                + "' must be an absolute, normalized directory other than / (no '..', '.' or"
                + " empty segments)");
      }
    }
  }

  /** Why {@code uri}, a {@code file://} source naming node path {@code path}, is refused. */
  public Optional<String> problem(String uri, String path) {
    if (allowedPrefixes.isEmpty()) {
      return Optional.of(
          "spec.model.source.uri "
              + uri
              + " mounts a directory of the node (hostPath), which this operator does not allow:"
              + " use pvc:// or a downloaded source, or ask the operator's administrator to list"
              + " the node directories holding models in "
              + SETTING);
    }
    String normalized = withoutTrailingSlash(path);
    if (normalized.isEmpty() || !isNormalAbsolute(normalized)) {
      return Optional.of(
          "spec.model.source.uri "
              + uri
              + ": the path must be absolute and normalized (no '..', '.' or empty segments)");
    }
    boolean allowed =
        allowedPrefixes.stream()
            .anyMatch(p -> normalized.equals(p) || normalized.startsWith(p + "/"));
    return allowed
        ? Optional.empty()
        : Optional.of(
            "spec.model.source.uri %s is outside the node directories this operator allows (%s)"
                .formatted(uri, String.join(", ", allowedPrefixes)));
  }

  private static String withoutTrailingSlash(String path) {
    String out = path;
    while (out.endsWith("/")) {
      out = out.substring(0, out.length() - 1);
    }
    return out;
  }

  /** {@code /a/b}: starts with a slash, and no segment is empty, {@code .} or {@code ..}. */
  private static boolean isNormalAbsolute(String path) {
    if (!path.startsWith("/")) {
      return false;
    }
    for (String segment : path.substring(1).split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        return false;
      }
    }
    return true;
  }
}
