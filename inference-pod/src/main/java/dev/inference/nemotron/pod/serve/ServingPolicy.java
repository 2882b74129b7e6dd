package dev.inference.nemotron.pod.serve;

import dev.inference.nemotron.pod.decode.DecodingMode;
import dev.inference.nemotron.pod.serve.config.RequestMode;
import java.util.Optional;

/**
 * What the server decides by configuration rather than by request, in one immutable snapshot that a
 * configuration reload replaces as a whole: which mode a request without one gets, the modes'
 * settings, and who the tenants are.
 */
public interface ServingPolicy {

  /** The mode for a request that names none: the mode mix, deterministic per request id. */
  RequestMode chooseMode(String requestId);

  /** The decoder mode and block size of a request mode. */
  DecodingMode decodingMode(RequestMode mode);

  /** B of the given mode. */
  int blockSize(RequestMode mode);

  /** The diffusion reveal threshold. */
  double diffusionThreshold();

  /** Whether the server is open (no tenants configured): every caller is the default tenant. */
  boolean open();

  /** The tenant whose API key this is; empty for an unknown key. */
  Optional<Tenant> authenticate(String apiKey);

  /**
   * A tenant's identity and limits (never its key).
   *
   * @param name the tenant
   * @param weight its fair-share weight, at least 1
   * @param maxConcurrentRequests null for no limit
   * @param tokensPerMinute null for no limit
   */
  record Tenant(String name, int weight, Integer maxConcurrentRequests, Integer tokensPerMinute) {
    /** The caller of an open server. */
    public static final Tenant DEFAULT = new Tenant("default", 1, null, null);
  }
}
