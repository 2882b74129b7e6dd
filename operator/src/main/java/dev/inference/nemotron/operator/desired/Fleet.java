package dev.inference.nemotron.operator.desired;

import dev.inference.nemotron.api.v1alpha1.EffectiveModeMix;
import dev.inference.nemotron.api.v1alpha1.ModeMix;
import dev.inference.nemotron.api.v1alpha1.ModePolicy;
import dev.inference.nemotron.api.v1alpha1.NemotronDiffusionDeployment;
import dev.inference.nemotron.api.v1alpha1.NemotronDiffusionDeploymentSpec;
import dev.inference.nemotron.api.v1alpha1.PodTemplateOverrides;
import dev.inference.nemotron.api.v1alpha1.TenantSpec;
import dev.inference.nemotron.operator.config.OperatorSettings;
import dev.inference.nemotron.operator.sizing.GpuClass;
import dev.inference.nemotron.operator.sizing.MemoryEstimate;
import dev.inference.nemotron.operator.spec.ModelSourceUri;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * An accepted deployment: the resource whose spec passed validation and sizing, with what the
 * desired objects derive from it. Every desired object is a pure function of a {@code Fleet}.
 *
 * @param resource the custom resource (read only)
 * @param source the parsed model source
 * @param gpuClass the GPU class of the catalogue
 * @param sizing the memory bill that fit
 * @param replicas replicas the Deployment should have
 * @param settings operator-wide settings
 * @param modeMix the mode mix the runtime configuration carries: {@code spec.modes.mix}, or under
 *     {@code scaling.modePolicy: adaptive} the autoscaler's effective mix (see {@link
 *     #configuredModeMix})
 */
public record Fleet(
    NemotronDiffusionDeployment resource,
    ModelSourceUri source,
    GpuClass gpuClass,
    MemoryEstimate sizing,
    int replicas,
    OperatorSettings settings,
    ModeMix modeMix) {

  /** A fleet whose mode mix is {@link #configuredModeMix} of {@code resource}. */
  public Fleet(
      NemotronDiffusionDeployment resource,
      ModelSourceUri source,
      GpuClass gpuClass,
      MemoryEstimate sizing,
      int replicas,
      OperatorSettings settings) {
    this(resource, source, gpuClass, sizing, replicas, settings, configuredModeMix(resource));
  }

  /**
   * The mix as the resource says it: under the adaptive mode policy {@code status.effectiveModeMix}
   * once the autoscaler wrote it, otherwise {@code spec.modes.mix} (default: all self-speculation).
   */
  public static ModeMix configuredModeMix(NemotronDiffusionDeployment resource) {
    NemotronDiffusionDeploymentSpec spec = resource.getSpec();
    EffectiveModeMix effective =
        resource.getStatus() == null ? null : resource.getStatus().getEffectiveModeMix();
    if (spec != null
        && spec.getScaling() != null
        && spec.getScaling().getModePolicy() == ModePolicy.ADAPTIVE
        && effective != null
        && effective.getAutoregressive() != null
        && effective.getDiffusion() != null
        && effective.getSelfSpeculation() != null) {
      return new ModeMix(
          effective.getAutoregressive(), effective.getDiffusion(), effective.getSelfSpeculation());
    }
    return spec == null || spec.getModes() == null || spec.getModes().getMix() == null
        ? new ModeMix(0, 0, 100)
        : spec.getModes().getMix();
  }

  /** Label key of pods allowed to call the fleet (with the fleet's name as value). */
  public static final String CLIENT_LABEL = "nemotron.inference.dev/client";

  /** Label values every child carries. */
  public static final String APP_NAME = "nemotron-diffusion";

  public static final String MANAGED_BY = "nemotron-operator";

  /** Port of the runtime's HTTP API, metrics and health endpoints. */
  public static final int HTTP_PORT = 8080;

  /** Name of that port on the container and the Service. */
  public static final String HTTP_PORT_NAME = "http";

  /** Path of the runtime's Prometheus metrics on {@link #HTTP_PORT}. */
  public static final String METRICS_PATH = "/metrics";

  public Fleet {
    Objects.requireNonNull(resource, "resource");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(gpuClass, "gpuClass");
    Objects.requireNonNull(sizing, "sizing");
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(modeMix, "modeMix");
    if (replicas < 0) {
      throw new IllegalArgumentException("replicas must not be negative, got " + replicas);
    }
  }

  public String name() {
    return resource.getMetadata().getName();
  }

  public String namespace() {
    return resource.getMetadata().getNamespace();
  }

  public NemotronDiffusionDeploymentSpec spec() {
    return resource.getSpec();
  }

  /** Component label value of the inference pods and of the objects that select them. */
  public static final String INFERENCE = "inference";

  /** Component label value of the weight-download Job and its pods. */
  public static final String WEIGHT_FETCH = "weight-fetch";

  private static final String NAME_LABEL = "app.kubernetes.io/name";
  private static final String INSTANCE_LABEL = "app.kubernetes.io/instance";
  private static final String COMPONENT_LABEL = "app.kubernetes.io/component";

  /**
   * Labels selecting the inference pods of fleet {@code name} (Deployment, Service, budget,
   * NetworkPolicy, /scale). The component is part of it so that the download Job's pods, which
   * share name and instance, are never counted, served or scaled as replicas.
   */
  public static Map<String, String> selectorLabels(String name) {
    return Map.of(NAME_LABEL, APP_NAME, INSTANCE_LABEL, name, COMPONENT_LABEL, INFERENCE);
  }

  /** {@link #selectorLabels(String)} as a label selector string ({@code status.selector}). */
  public static String selector(String name) {
    return new TreeMap<>(selectorLabels(name))
        .entrySet().stream()
            .map(e -> e.getKey() + "=" + e.getValue())
            .collect(Collectors.joining(","));
  }

  /** Labels selecting the fleet's inference pods. */
  public Map<String, String> selectorLabels() {
    return selectorLabels(name());
  }

  /** Labels of every child object: the fleet's, the operator's and the child's component. */
  public Map<String, String> labels(String component) {
    Map<String, String> labels = new TreeMap<>();
    labels.put(NAME_LABEL, APP_NAME);
    labels.put(INSTANCE_LABEL, name());
    labels.put("app.kubernetes.io/managed-by", MANAGED_BY);
    labels.put(COMPONENT_LABEL, component);
    return labels;
  }

  /** The tenants, never null. */
  public List<TenantSpec> tenants() {
    return spec().getTenants() == null ? List.of() : spec().getTenants();
  }

  /** Whether a weight cache PVC is configured. */
  /** The runtime image: {@code spec.template.image}, else the operator's image setting. */
  public String runtimeImage() {
    PodTemplateOverrides template = spec().getTemplate();
    return template != null && template.getImage() != null ? template.getImage() : settings.image();
  }

  public boolean hasWeightCache() {
    return spec().getModel().getCache() != null && spec().getModel().getCache().getPvc() != null;
  }

  /** Child names, all derived from the resource's name. */
  public String serviceAccountName() {
    return name();
  }

  public String configMapName() {
    return name() + "-runtime";
  }

  public String weightCacheName() {
    return name() + "-weights";
  }

  public String deploymentName() {
    return name();
  }

  public String serviceName() {
    return name();
  }

  /**
   * The model name clients send ({@code "model"} in a request) and {@code GET /v1/models} lists:
   * the resource's name, which they already know; the weights' directory is named by a hash.
   */
  public String servedModelName() {
    return name();
  }

  /** In-cluster base URL of the OpenAI-compatible API. */
  public String endpoint() {
    return "http://%s.%s.svc:%d/v1".formatted(serviceName(), namespace(), HTTP_PORT);
  }
}
