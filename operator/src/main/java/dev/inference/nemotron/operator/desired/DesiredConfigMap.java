package dev.inference.nemotron.operator.desired;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.inference.nemotron.api.v1alpha1.DiffusionSpec;
import dev.inference.nemotron.api.v1alpha1.ModeMix;
import dev.inference.nemotron.api.v1alpha1.ModelSpec;
import dev.inference.nemotron.api.v1alpha1.ModesSpec;
import dev.inference.nemotron.api.v1alpha1.NemotronDiffusionDeploymentSpec;
import dev.inference.nemotron.api.v1alpha1.SelfSpeculationSpec;
import dev.inference.nemotron.api.v1alpha1.TenantSpec;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The runtime configuration the inference pods read ({@value RuntimeLayout#CONFIG_FILE}): model,
 * weights format, sizing limits, decoding modes and tenants. Tenants' API keys are not in it, only
 * the paths of the files the pod template mounts from their Secrets.
 *
 * <p>A tenant's {@code tokensPerMinute} is the limit of the whole fleet: the file also says how
 * many replicas the fleet has ({@code fleet.replicas}), and each runtime enforces its share, the
 * limit divided by the replicas, rounded up. A scale therefore rewrites the ConfigMap, never the
 * pods.
 *
 * <p>Two kinds of settings share the file. The live ones ({@code modes}, each tenant's limits and
 * weight, {@code fleet.replicas}) reach running pods without a restart: the ConfigMap is mounted as
 * a directory, which the kubelet updates in place (within about a minute), and the runtime polls
 * the file (every 5 s) and applies them. Everything else is read at start, and {@link #configHash}
 * puts it on the pod template, so that its change rolls the pods.
 */
public final class DesiredConfigMap {

  private static final ObjectMapper YAML =
      new ObjectMapper(
          new YAMLFactory()
              .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
              .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));

  private DesiredConfigMap() {}

  /** The ConfigMap. */
  public static ConfigMap of(Fleet fleet) {
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName(fleet.configMapName())
        .withNamespace(fleet.namespace())
        .withLabels(fleet.labels("runtime-config"))
        .endMetadata()
        .withData(Map.of(RuntimeLayout.CONFIG_FILE, document(fleet)))
        .build();
  }

  /**
   * A hash of the settings the runtime reads only at start, put on the pod template so that their
   * change rolls the pods: the document without its live settings ({@code modes}, each tenant's
   * {@code tokensPerMinute}, {@code maxConcurrentRequests} and {@code weight}; {@code
   * fleet.replicas}, so scaling never rolls the pods). Tenants' names and key files stay in;
   * adding, removing or renaming a tenant changes the pod's projected Secret volume, which a
   * running pod cannot take, so those roll the pods anyway.
   */
  public static String configHash(Fleet fleet) {
    return RuntimeLayout.hash(yaml(settings(fleet, Part.READ_AT_START))).substring(0, 16);
  }

  /** The YAML document, in a fixed key order so that equal settings give equal bytes. */
  static String document(Fleet fleet) {
    return yaml(settings(fleet, Part.ALL));
  }

  /** Which settings of the document to render. */
  private enum Part {
    /** Everything: the document the runtime reads. */
    ALL,
    /** Only what the runtime reads at start; what it reloads live is left out. */
    READ_AT_START
  }

  private static Map<String, Object> settings(Fleet fleet, Part part) {
    NemotronDiffusionDeploymentSpec spec = fleet.spec();
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("model", model(fleet, spec.getModel()));
    root.put("quantization", spec.getQuantization().name().toLowerCase(java.util.Locale.ROOT));
    root.put(
        "device",
        ordered(
            "class",
            fleet.gpuClass().specName(),
            "count",
            fleet.gpuClass().isAccelerator() ? spec.getGpu().getCount() : 0));
    root.put("maxContextLength", spec.getMaxContextLength());
    root.put("maxConcurrentSequences", spec.getMaxConcurrentSequences());
    if (part == Part.ALL) {
      root.put(
          "modes",
          modes(Objects.requireNonNullElseGet(spec.getModes(), ModesSpec::new), fleet.modeMix()));
    }
    root.put("tenants", tenants(fleet.tenants(), part));
    if (part == Part.ALL) {
      root.put("fleet", ordered("replicas", fleetReplicas(fleet)));
    }
    root.put("server", ordered("port", Fleet.HTTP_PORT));
    return root;
  }

  /**
   * The replicas that share each tenant's {@code tokensPerMinute}: the count the Deployment gets in
   * this reconcile, i.e. what the operator observed on it (under the builtin autoscaler, whoever
   * scaled it) or {@code spec.replicas} (external actuator, written through {@code /scale}); at
   * least 1, since a fleet scaled to zero has no server to divide among.
   */
  static int fleetReplicas(Fleet fleet) {
    return Math.max(1, fleet.replicas());
  }

  private static String yaml(Map<String, Object> settings) {
    try {
      return YAML.writeValueAsString(settings);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("maps of strings and numbers always serialize", e);
    }
  }

  private static Map<String, Object> model(Fleet fleet, ModelSpec model) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("size", model.getSize().name().substring("SIZE_".length()));
    out.put("variant", model.getVariant().name().toLowerCase(java.util.Locale.ROOT));
    out.put("path", RuntimeLayout.modelDir(fleet));
    out.put("servedName", fleet.servedModelName());
    out.put("source", model.getSource().getUri());
    if (model.getSource().getRevision() != null) {
      out.put("revision", model.getSource().getRevision());
    }
    if (model.getDraftAdapter() != null) {
      out.put("draftAdapter", model.getDraftAdapter());
    }
    return out;
  }

  /**
   * The modes section; {@code mix} is the fleet's mix (the spec's, or under the adaptive mode
   * policy the autoscaler's effective one): a live setting, so a shift reloads, never rolls.
   */
  private static Map<String, Object> modes(ModesSpec modes, ModeMix mix) {
    DiffusionSpec diffusion =
        Objects.requireNonNullElseGet(modes.getDiffusion(), DiffusionSpec::new);
    SelfSpeculationSpec speculation =
        Objects.requireNonNullElseGet(modes.getSelfSpeculation(), SelfSpeculationSpec::new);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put(
        "mix",
        ordered(
            "autoregressive", mix.getAutoregressive(),
            "diffusion", mix.getDiffusion(),
            "selfSpeculation", mix.getSelfSpeculation()));
    out.put(
        "diffusion",
        ordered("blockSize", diffusion.getBlockSize(), "threshold", diffusion.getThreshold()));
    out.put(
        "selfSpeculation",
        ordered(
            "blockSize",
            speculation.getBlockSize(),
            "variant",
            speculation.getVariant().name().toLowerCase(java.util.Locale.ROOT)));
    return out;
  }

  private static List<Map<String, Object>> tenants(List<TenantSpec> tenants, Part part) {
    return tenants.stream()
        .map(
            t -> {
              Map<String, Object> out = new LinkedHashMap<>();
              out.put("name", t.getName());
              out.put("apiKeyFile", RuntimeLayout.tenantKeyPath(t.getName()));
              if (part == Part.READ_AT_START) {
                return out;
              }
              if (t.getTokensPerMinute() != null) {
                out.put("tokensPerMinute", t.getTokensPerMinute());
              }
              if (t.getMaxConcurrentRequests() != null) {
                out.put("maxConcurrentRequests", t.getMaxConcurrentRequests());
              }
              out.put("weight", Objects.requireNonNullElse(t.getWeight(), 1));
              return out;
            })
        .toList();
  }

  private static Map<String, Object> ordered(Object... keysAndValues) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      out.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return out;
  }
}
