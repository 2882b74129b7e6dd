package dev.inference.nemotron.pod.fetch;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A parsed {@code --source} URI ({@code spec.model.source.uri}): {@code hf://ORG/NAME} is
 * downloaded from the Hugging Face Hub; {@code pvc://} and {@code file://} are read in place by the
 * runtime; {@code s3://} and {@code oci://} are valid in the API but not fetched by this runtime
 * yet.
 *
 * @param scheme where the weights come from
 * @param uri the URI as given
 * @param location everything after {@code ://}
 */
public record FetchSource(Scheme scheme, String uri, String location) {

  /** The same repository names the CRD's pattern admits. */
  private static final Pattern HUB_REPO =
      Pattern.compile("([A-Za-z0-9][A-Za-z0-9._-]*)/([A-Za-z0-9][A-Za-z0-9._-]*)");

  /** The supported forms, for error messages. */
  public static final String SUPPORTED =
      "hf://ORG/NAME (downloaded from the Hugging Face Hub), pvc://CLAIM[/PATH] and"
          + " file:///PATH (read in place, nothing to download)";

  /** Where the weights come from. */
  public enum Scheme {
    HF,
    PVC,
    FILE,
    S3,
    OCI
  }

  /**
   * Parses {@code uri}.
   *
   * @throws IllegalArgumentException for an unknown scheme or a malformed {@code hf://} name
   */
  public static FetchSource parse(String uri) {
    int separator = uri.indexOf("://");
    if (separator <= 0) {
      throw new IllegalArgumentException(
          "source '" + uri + "' has no scheme; expected one of " + SUPPORTED);
    }
    String name = uri.substring(0, separator).toUpperCase(Locale.ROOT);
    Scheme scheme;
    try {
      scheme = Scheme.valueOf(name);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "source '" + uri + "': unknown scheme; expected one of " + SUPPORTED, e);
    }
    FetchSource source = new FetchSource(scheme, uri, uri.substring(separator + 3));
    if (scheme == Scheme.HF && !HUB_REPO.matcher(source.location).matches()) {
      throw new IllegalArgumentException(
          "source '" + uri + "': a Hub source is hf://ORG/NAME, e.g. hf://nvidia/MODEL");
    }
    return source;
  }

  /** For {@code hf://ORG/NAME}: the repository. */
  public HubRepository hubRepository() {
    Matcher m = HUB_REPO.matcher(location);
    if (scheme != Scheme.HF || !m.matches()) {
      throw new IllegalStateException("not a Hub source: " + uri);
    }
    return new HubRepository(m.group(1), m.group(2));
  }

  /** Whether the runtime reads this source where it is mounted, so nothing is downloaded. */
  public boolean readInPlace() {
    return scheme == Scheme.PVC || scheme == Scheme.FILE;
  }
}
