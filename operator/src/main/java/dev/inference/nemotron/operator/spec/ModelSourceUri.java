package dev.inference.nemotron.operator.spec;

import dev.inference.nemotron.api.v1alpha1.ModelSource;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A parsed {@code spec.model.source.uri}: {@code hf://}, {@code s3://} and {@code oci://} sources
 * are downloaded; {@code pvc://} and {@code file://} sources are read in place.
 *
 * @param scheme the URI scheme without {@code ://}
 * @param location everything after {@code ://}
 */
public record ModelSourceUri(Scheme scheme, String location) {

  private static final Pattern URI = Pattern.compile(ModelSource.URI_PATTERN);

  /** Where the weights come from. */
  public enum Scheme {
    HF,
    S3,
    OCI,
    PVC,
    FILE
  }

  /** Parses {@code uri}; empty when it does not match the API's pattern. */
  public static Optional<ModelSourceUri> parse(String uri) {
    if (uri == null || !URI.matcher(uri).matches()) {
      return Optional.empty();
    }
    int separator = uri.indexOf("://");
    Scheme scheme = Scheme.valueOf(uri.substring(0, separator).toUpperCase(java.util.Locale.ROOT));
    return Optional.of(new ModelSourceUri(scheme, uri.substring(separator + 3)));
  }

  /** Whether the weights must be fetched over the network before a replica can load them. */
  public boolean needsDownload() {
    return scheme == Scheme.HF || scheme == Scheme.S3 || scheme == Scheme.OCI;
  }

  /** For {@code pvc://claim/path}: the claim name. */
  public String claimName() {
    requireScheme(Scheme.PVC);
    int slash = location.indexOf('/');
    return slash < 0 ? location : location.substring(0, slash);
  }

  /** For {@code pvc://claim/path}: the path inside the claim (empty for its root). */
  public String pathInClaim() {
    requireScheme(Scheme.PVC);
    int slash = location.indexOf('/');
    return slash < 0 ? "" : location.substring(slash + 1);
  }

  /** For {@code file:///path}: the absolute path on the node. */
  public String nodePath() {
    requireScheme(Scheme.FILE);
    return location;
  }

  private void requireScheme(Scheme expected) {
    if (scheme != expected) {
      throw new IllegalStateException("not a " + expected + " source: " + scheme);
    }
  }
}
