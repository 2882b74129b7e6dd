package dev.inference.nemotron.operator.desired;

import dev.inference.nemotron.api.v1alpha1.ModelSource;
import dev.inference.nemotron.operator.spec.ModelSourceUri;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The file layout inside an inference pod, shared by the ConfigMap (which tells the runtime where
 * things are) and the pod template (which mounts them there).
 */
public final class RuntimeLayout {

  /** Directory of the runtime configuration (the ConfigMap). */
  public static final String CONFIG_DIR = "/etc/nemotron";

  /** The ConfigMap key, and the file name under {@link #CONFIG_DIR}. */
  public static final String CONFIG_FILE = "runtime.yaml";

  /** Where weights live: the cache PVC, an emptyDir, or the source volume. */
  public static final String MODELS_DIR = "/models";

  /** One file per tenant, named after the tenant, holding its API key. */
  public static final String TENANT_KEYS_DIR = "/var/run/secrets/nemotron/tenants";

  /** Written by the fetch step into a model directory once every file is complete. */
  public static final String COMPLETE_MARKER = ".complete";

  private RuntimeLayout() {}

  /** Path of the configuration file the runtime reads. */
  public static String configPath() {
    return CONFIG_DIR + "/" + CONFIG_FILE;
  }

  /** Path of a tenant's API key file. */
  public static String tenantKeyPath(String tenant) {
    return TENANT_KEYS_DIR + "/" + tenant;
  }

  /**
   * Directory holding the checkpoint: a per-source directory for downloaded weights (so a new
   * source or revision never mixes with old files in a shared cache), the mounted source otherwise.
   */
  public static String modelDir(Fleet fleet) {
    ModelSourceUri source = fleet.source();
    return switch (source.scheme()) {
      case HF, S3, OCI -> MODELS_DIR + "/" + sourceKey(fleet.spec().getModel().getSource());
      case PVC ->
          source.pathInClaim().isEmpty() ? MODELS_DIR : MODELS_DIR + "/" + source.pathInClaim();
      case FILE -> MODELS_DIR;
    };
  }

  /** A short stable key of the source URI and revision (10 hex digits of SHA-256). */
  public static String sourceKey(ModelSource source) {
    return hash(source.getUri() + "@" + Objects.requireNonNullElse(source.getRevision(), ""))
        .substring(0, 10);
  }

  /** SHA-256 of {@code text} in hex. */
  public static String hash(String text) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK provides SHA-256", e);
    }
  }
}
