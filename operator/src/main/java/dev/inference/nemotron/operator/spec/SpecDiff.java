package dev.inference.nemotron.operator.spec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.inference.nemotron.api.v1alpha1.ModelSpec;
import dev.inference.nemotron.api.v1alpha1.NemotronDiffusionDeploymentSpec;
import dev.inference.nemotron.api.v1alpha1.ScalingActuator;
import dev.inference.nemotron.api.v1alpha1.ScalingSpec;
import dev.inference.nemotron.api.v1alpha1.TenantSpec;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The one place that says what each spec field's change means ({@link SpecChange}). The desired
 * objects follow it: a test checks that the pod template changes exactly for {@link
 * SpecChange#ROLL_PODS} fields and that {@link SpecChange#RELOAD_CONFIGURATION} fields change the
 * ConfigMap only.
 *
 * @param changes the fields that differ, each with its meaning
 */
public record SpecDiff(List<FieldChange> changes) {

  private static final ObjectMapper JSON =
      new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /** A changed field and what it means. */
  public record FieldChange(String field, SpecChange meaning) {}

  /**
   * Every spec field with its meaning; a new spec field must be added here (a test checks that
   * every property of the spec is mapped, directly or through all of its own properties). Values
   * are read null-safe: an absent parent reads as an absent field.
   */
  enum Field {
    // with the builtin actuator spec.replicas is not read (ReplicaPolicy): its change means nothing
    REPLICAS(
        "replicas",
        SpecChange.SCALE,
        s ->
            s.getScaling() != null && s.getScaling().getActuator() == ScalingActuator.EXTERNAL
                ? s.getReplicas()
                : null),
    SCALING_MIN_REPLICAS(
        "scaling.minReplicas", SpecChange.SCALE, s -> scaling(s, ScalingSpec::getMinReplicas)),
    SCALING_MAX_REPLICAS(
        "scaling.maxReplicas", SpecChange.SCALE, s -> scaling(s, ScalingSpec::getMaxReplicas)),
    SCALING_ACTUATOR(
        "scaling.actuator", SpecChange.SCALE, s -> scaling(s, ScalingSpec::getActuator)),
    SCALING_TARGETS(
        "scaling.targets", SpecChange.RETUNE_AUTOSCALER, s -> scaling(s, ScalingSpec::getTargets)),
    SCALING_BEHAVIOR(
        "scaling.behavior",
        SpecChange.RETUNE_AUTOSCALER,
        s -> scaling(s, ScalingSpec::getBehavior)),
    // the adaptive policy's mix reaches the ConfigMap through the autoscaler's own reconcile
    // request
    SCALING_MODE_POLICY(
        "scaling.modePolicy",
        SpecChange.RETUNE_AUTOSCALER,
        s -> scaling(s, ScalingSpec::getModePolicy)),
    SCALING_MODE_BOUNDS(
        "scaling.modeBounds",
        SpecChange.RETUNE_AUTOSCALER,
        s -> scaling(s, ScalingSpec::getModeBounds)),
    MODES("modes", SpecChange.RELOAD_CONFIGURATION, NemotronDiffusionDeploymentSpec::getModes),
    // the tenant set, in order, is what the pods mount (a projected Secret item each): a tenant
    // added, removed, renamed or moved changes the pod's volumes, which only new pods get
    TENANT_NAMES(
        "tenants.name",
        SpecChange.ROLL_PODS,
        s -> tenants(s).stream().map(TenantSpec::getName).toList()),
    TENANT_KEYS(
        "tenants.apiKeySecretRef",
        SpecChange.ROLL_PODS,
        s -> TenantValues.of(s, TenantSpec::getApiKeySecretRef)),
    // a tenant's limits and weight are live settings of the runtime configuration
    TENANT_TOKENS_PER_MINUTE(
        "tenants.tokensPerMinute",
        SpecChange.RELOAD_CONFIGURATION,
        s -> TenantValues.of(s, TenantSpec::getTokensPerMinute)),
    TENANT_MAX_CONCURRENT_REQUESTS(
        "tenants.maxConcurrentRequests",
        SpecChange.RELOAD_CONFIGURATION,
        s -> TenantValues.of(s, TenantSpec::getMaxConcurrentRequests)),
    TENANT_WEIGHT(
        "tenants.weight",
        SpecChange.RELOAD_CONFIGURATION,
        s -> TenantValues.of(s, TenantSpec::getWeight)),
    MODEL_SIZE("model.size", SpecChange.ROLL_PODS, s -> model(s, ModelSpec::getSize)),
    MODEL_VARIANT("model.variant", SpecChange.ROLL_PODS, s -> model(s, ModelSpec::getVariant)),
    MODEL_SOURCE("model.source", SpecChange.ROLL_PODS, s -> model(s, ModelSpec::getSource)),
    MODEL_DRAFT_ADAPTER(
        "model.draftAdapter", SpecChange.ROLL_PODS, s -> model(s, ModelSpec::getDraftAdapter)),
    // adding or removing the cache changes what the pods mount; changing it keeps the claim
    MODEL_CACHE("model.cache", SpecChange.ROLL_PODS, s -> model(s, ModelSpec::getCache) != null),
    MODEL_CACHE_SETTINGS("model.cache.pvc", SpecChange.CACHE, s -> model(s, ModelSpec::getCache)),
    QUANTIZATION(
        "quantization", SpecChange.ROLL_PODS, NemotronDiffusionDeploymentSpec::getQuantization),
    GPU("gpu", SpecChange.ROLL_PODS, NemotronDiffusionDeploymentSpec::getGpu),
    MAX_CONTEXT_LENGTH(
        "maxContextLength",
        SpecChange.ROLL_PODS,
        NemotronDiffusionDeploymentSpec::getMaxContextLength),
    MAX_CONCURRENT_SEQUENCES(
        "maxConcurrentSequences",
        SpecChange.ROLL_PODS,
        NemotronDiffusionDeploymentSpec::getMaxConcurrentSequences),
    TEMPLATE("template", SpecChange.ROLL_PODS, NemotronDiffusionDeploymentSpec::getTemplate);

    final String name;
    final SpecChange meaning;
    final Function<NemotronDiffusionDeploymentSpec, Object> value;

    Field(
        String name, SpecChange meaning, Function<NemotronDiffusionDeploymentSpec, Object> value) {
      this.name = name;
      this.meaning = meaning;
      this.value = value;
    }

    private static Object scaling(
        NemotronDiffusionDeploymentSpec spec, Function<ScalingSpec, Object> property) {
      // an absent scaling block is the defaults, as the API server would have filled them in
      return property.apply(Objects.requireNonNullElseGet(spec.getScaling(), ScalingSpec::new));
    }

    private static Object model(
        NemotronDiffusionDeploymentSpec spec, Function<ModelSpec, Object> property) {
      return spec.getModel() == null ? null : property.apply(spec.getModel());
    }

    private static List<TenantSpec> tenants(NemotronDiffusionDeploymentSpec spec) {
      return Objects.requireNonNullElse(spec.getTenants(), List.of());
    }
  }

  /**
   * One property of every tenant, by tenant name. Compared only over the tenants present on both
   * sides: a tenant added or removed is a change of {@code tenants.name}, not of its limits.
   *
   * @param byName the property's value of each tenant
   */
  record TenantValues(Map<String, Object> byName) {

    static TenantValues of(
        NemotronDiffusionDeploymentSpec spec, Function<TenantSpec, Object> property) {
      Map<String, Object> byName = new LinkedHashMap<>();
      for (TenantSpec tenant : Field.tenants(spec)) {
        byName.put(tenant.getName(), property.apply(tenant));
      }
      return new TenantValues(byName);
    }

    /** These values of only the tenants {@code other} has too. */
    TenantValues sharedWith(TenantValues other) {
      Map<String, Object> shared = new LinkedHashMap<>(byName);
      shared.keySet().retainAll(other.byName.keySet());
      return new TenantValues(shared);
    }
  }

  /** The differences from {@code before} to {@code after}; every field differs from no spec. */
  public static SpecDiff between(
      Optional<NemotronDiffusionDeploymentSpec> before, NemotronDiffusionDeploymentSpec after) {
    List<FieldChange> changes =
        Arrays.stream(Field.values())
            .filter(f -> before.isEmpty() || differs(f, before.get(), after))
            .filter(
                f ->
                    f != Field.MODEL_CACHE_SETTINGS
                        || before.isEmpty()
                        || !differs(Field.MODEL_CACHE, before.get(), after))
            .map(f -> new FieldChange(f.name, f.meaning))
            .toList();
    return new SpecDiff(changes);
  }

  private static boolean differs(
      Field field, NemotronDiffusionDeploymentSpec before, NemotronDiffusionDeploymentSpec after) {
    Object was = field.value.apply(before);
    Object is = field.value.apply(after);
    if (was instanceof TenantValues wasByTenant && is instanceof TenantValues isByTenant) {
      was = wasByTenant.sharedWith(isByTenant);
      is = isByTenant.sharedWith(wasByTenant);
    }
    return !tree(was).equals(tree(is));
  }

  /** Whether a changed field has {@code meaning}. */
  public boolean includes(SpecChange meaning) {
    return changes.stream().anyMatch(c -> c.meaning() == meaning);
  }

  /** The changed fields with {@code meaning}, e.g. {@code model.cache.pvc}. */
  public String fields(SpecChange meaning) {
    return changes.stream()
        .filter(c -> c.meaning() == meaning)
        .map(FieldChange::field)
        .collect(Collectors.joining(", "));
  }

  /** The most disruptive meaning among the changes other than {@code excluded}. */
  public SpecChange meaningWithout(SpecChange excluded) {
    return changes.stream()
        .map(FieldChange::meaning)
        .filter(m -> m != excluded)
        .max(Comparator.naturalOrder())
        .orElse(SpecChange.NONE);
  }

  /** The mapped field paths, e.g. {@code scaling.targets}. */
  static List<String> mappedFields() {
    return Arrays.stream(Field.values()).map(f -> f.name).toList();
  }

  /** The most disruptive meaning among the changes. */
  public SpecChange meaning() {
    return changes.stream()
        .map(FieldChange::meaning)
        .max(Comparator.naturalOrder())
        .orElse(SpecChange.NONE);
  }

  /** The changed fields, e.g. {@code model, tenants}. */
  public String fields() {
    return changes.stream().map(FieldChange::field).collect(Collectors.joining(", "));
  }

  /** The spec as JSON, as recorded on the Deployment ({@code applied-spec}). */
  public static String json(NemotronDiffusionDeploymentSpec spec) {
    try {
      return JSON.writeValueAsString(spec);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("the spec types always serialize", e);
    }
  }

  /** A recorded spec; empty when absent or unreadable (then everything counts as changed). */
  public static Optional<NemotronDiffusionDeploymentSpec> parse(String json) {
    if (json == null || json.isBlank()) {
      return Optional.empty();
    }
    try {
      return Optional.of(JSON.readValue(json, NemotronDiffusionDeploymentSpec.class));
    } catch (JsonProcessingException e) {
      return Optional.empty();
    }
  }

  // Values are compared as JSON trees: the API types do not implement equals, and JSON is what
  // the API server stores, so two specs equal as JSON are the same spec.
  private static JsonNode tree(Object value) {
    return JSON.valueToTree(value);
  }
}
