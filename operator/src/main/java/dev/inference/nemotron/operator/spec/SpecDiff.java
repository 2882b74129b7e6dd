package dev.inference.nemotron.operator.spec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.inference.nemotron.api.v1alpha1.NemotronDiffusionDeploymentSpec;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The one place that says what each spec field's change means ({@link SpecChange}). The desired
 * objects follow it: a test checks that the pod template changes exactly for {@link
 * SpecChange#RELOAD_CONFIGURATION} and {@link SpecChange#ROLL_PODS} fields.
 *
 * @param changes the top-level fields that differ, each with its meaning
 */
public record SpecDiff(List<FieldChange> changes) {

  private static final ObjectMapper JSON =
      new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /** A changed field and what it means. */
  public record FieldChange(String field, SpecChange meaning) {}

  /** Every spec field with its meaning; a new spec field must be added here. */
  enum Field {
    REPLICAS("replicas", SpecChange.SCALE, NemotronDiffusionDeploymentSpec::getReplicas),
    SCALING("scaling", SpecChange.SCALE, NemotronDiffusionDeploymentSpec::getScaling),
    MODES("modes", SpecChange.RELOAD_CONFIGURATION, NemotronDiffusionDeploymentSpec::getModes),
    TENANTS(
        "tenants", SpecChange.RELOAD_CONFIGURATION, NemotronDiffusionDeploymentSpec::getTenants),
    MODEL("model", SpecChange.ROLL_PODS, NemotronDiffusionDeploymentSpec::getModel),
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
  }

  /** The differences from {@code before} to {@code after}; every field differs from no spec. */
  public static SpecDiff between(
      Optional<NemotronDiffusionDeploymentSpec> before, NemotronDiffusionDeploymentSpec after) {
    List<FieldChange> changes =
        Arrays.stream(Field.values())
            .filter(
                f ->
                    before.isEmpty()
                        || !tree(f.value.apply(before.get())).equals(tree(f.value.apply(after))))
            .map(f -> new FieldChange(f.name, f.meaning))
            .toList();
    return new SpecDiff(changes);
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
