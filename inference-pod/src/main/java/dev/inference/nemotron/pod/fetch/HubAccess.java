package dev.inference.nemotron.pod.fetch;

import java.net.URI;
import java.util.Map;
import java.util.Optional;

/**
 * Where the Hub is and the token to show it: {@code HF_ENDPOINT} (default {@value
 * #DEFAULT_ENDPOINT}, e.g. a mirror) and {@code HF_TOKEN} or {@code HUGGING_FACE_HUB_TOKEN}, the
 * names the Hugging Face tools read, so that the same Secret works for both.
 *
 * <p>The token is a credential: {@link #toString()} only says whether one is set, and nothing in
 * this package prints or logs it.
 */
public final class HubAccess {
  /** The public Hub. */
  public static final String DEFAULT_ENDPOINT = "https://huggingface.co";

  /** The environment variables read for the token, in order. */
  static final String TOKEN_VARIABLE = "HF_TOKEN";

  private static final String LEGACY_TOKEN_VARIABLE = "HUGGING_FACE_HUB_TOKEN";

  private final URI endpoint;
  private final String token;

  private HubAccess(URI endpoint, String token) {
    this.endpoint = endpoint;
    this.token = token;
  }

  /**
   * Reads the endpoint and token from {@code env} (the process environment, or a map in tests).
   *
   * @throws IllegalArgumentException when {@code HF_ENDPOINT} is not an http(s) URL
   */
  public static HubAccess fromEnvironment(Map<String, String> env) {
    String endpoint = env.getOrDefault("HF_ENDPOINT", "").strip();
    if (endpoint.isEmpty()) {
      endpoint = DEFAULT_ENDPOINT;
    }
    while (endpoint.endsWith("/")) {
      endpoint = endpoint.substring(0, endpoint.length() - 1);
    }
    URI uri;
    try {
      uri = URI.create(endpoint);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("HF_ENDPOINT '" + endpoint + "' is not a URL", e);
    }
    if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
        || uri.getHost() == null) {
      throw new IllegalArgumentException(
          "HF_ENDPOINT '" + endpoint + "' must be an http(s) URL such as " + DEFAULT_ENDPOINT);
    }
    return new HubAccess(
        uri, token(env, TOKEN_VARIABLE).or(() -> token(env, LEGACY_TOKEN_VARIABLE)).orElse(null));
  }

  /**
   * A Secret's value often ends in a newline (created from a file); an HTTP header cannot carry
   * one, and the Hub would refuse the token with it.
   */
  private static Optional<String> token(Map<String, String> env, String name) {
    String value = env.get(name);
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
  }

  /** The Hub's base URL, without a trailing slash. */
  public URI endpoint() {
    return endpoint;
  }

  /** Whether a token is set. */
  public boolean hasToken() {
    return token != null;
  }

  /** The {@code Authorization} header value, when a token is set. */
  Optional<String> authorization() {
    return token == null ? Optional.empty() : Optional.of("Bearer " + token);
  }

  /**
   * Whether {@code uri} is on the Hub itself: only there is the token sent. The Hub redirects
   * weight downloads to a CDN with signed URLs, which must not receive the token.
   */
  boolean isHub(URI uri) {
    return endpoint.getScheme().equalsIgnoreCase(uri.getScheme())
        && endpoint.getHost().equalsIgnoreCase(uri.getHost())
        && port(endpoint) == port(uri);
  }

  private static int port(URI uri) {
    if (uri.getPort() >= 0) {
      return uri.getPort();
    }
    return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
  }

  @Override
  public String toString() {
    return endpoint + (token == null ? " (no token)" : " (token set)");
  }
}
