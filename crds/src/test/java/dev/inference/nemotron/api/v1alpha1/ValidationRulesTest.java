package dev.inference.nemotron.api.v1alpha1;

import static dev.inference.nemotron.api.v1alpha1.Admission.admit;
import static dev.inference.nemotron.api.v1alpha1.Admission.example;
import static dev.inference.nemotron.api.v1alpha1.Admission.with;
import static dev.inference.nemotron.api.v1alpha1.Admission.without;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.generator.annotation.ValidationRule;
import java.lang.reflect.AnnotatedElement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The CEL rules of the generated CRD, compiled and run with a real CEL implementation (cel-java) on
 * the examples and on specs the API server must refuse.
 */
class ValidationRulesTest {

  @Test
  void everyRuleInTheJavaTypesIsInTheCrdAndCompilesWithAMessage() {
    List<CelValidationRules.Rule> rules = Admission.rules().rules();
    assertThat(rules).hasSize(annotatedRuleCount());
    assertThat(rules)
        .extracting(CelValidationRules.Rule::path)
        .containsExactlyInAnyOrder(
            "",
            ".spec",
            ".spec.gpu",
            ".spec.gpu",
            ".spec.model",
            ".spec.model.source",
            ".spec.model.source",
            ".spec.model.source",
            ".spec.model.source",
            ".spec.model.source",
            ".spec.modes.mix",
            ".spec.modes.selfSpeculation",
            ".spec.scaling",
            ".spec.scaling",
            ".spec.scaling.modeBounds",
            ".spec.scaling.modeBounds.autoregressive",
            ".spec.scaling.modeBounds.diffusion",
            ".spec.scaling.modeBounds.selfSpeculation");
    assertThat(rules).allSatisfy(rule -> assertThat(rule.message()).isNotBlank());
  }

  @Test
  void aMisspeltFieldInARuleFailsToCompile() {
    ObjectNode schema = GeneratedCrd.openApiSchema().deepCopy();
    ObjectNode rule =
        (ObjectNode) schema.at("/properties/spec/properties/scaling/x-kubernetes-validations/0");
    rule.put("rule", "self.minReplica <= self.maxReplicas");
    assertThatThrownBy(() -> CelValidationRules.compile(schema))
        .hasMessageContaining(".spec.scaling")
        .hasMessageContaining("undefined field 'minReplica'");
  }

  @Test
  void aRuleComparingAnIntegerWithAStringFailsToCompile() {
    ObjectNode schema = GeneratedCrd.openApiSchema().deepCopy();
    ObjectNode rule =
        (ObjectNode) schema.at("/properties/spec/properties/gpu/x-kubernetes-validations/0");
    rule.put("rule", "self.count == '1'");
    assertThatThrownBy(() -> CelValidationRules.compile(schema))
        .hasMessageContaining(".spec.gpu")
        .hasMessageContaining("no matching overload");
  }

  @Test
  void aRootRuleSeesOnlyTheNameAndGenerateNameOfMetadata() {
    // As on the API server: metadata.namespace, labels... are not visible to CEL.
    ObjectNode schema = GeneratedCrd.openApiSchema().deepCopy();
    ObjectNode rule = (ObjectNode) schema.at("/x-kubernetes-validations/0");
    rule.put("rule", "self.metadata.namespace != ''");
    assertThatThrownBy(() -> CelValidationRules.compile(schema))
        .hasMessageContaining("undefined field 'namespace'");
    rule.put(
        "rule", "self.metadata.generateName == '' && self.kind != '' && self.apiVersion != ''");
    assertThat(CelValidationRules.compile(schema).rules()).isNotEmpty();
  }

  @ParameterizedTest(name = "metadata.name {0} is refused")
  @ValueSource(
      strings = {
        "chat.8b", // a DNS subdomain, valid for the resource, but not a Service name
        "8b-chat", // Service names start with a letter
        "chat-8b-",
        "chat_8b",
        // 47 characters: the fetch Job, <name>-fetch-<10 hex digits>, would exceed 63
        "a-name-of-forty-seven-characters-is-one-too-lon"
      })
  void refusesANameItsChildObjectsCannotCarry(String name) {
    ObjectNode cr = with(example("h100-8b.yaml"), "/metadata/name", "'" + name + "'");
    assertRejectedBy(cr, "", "metadata.name must be a DNS-1035 label of at most 46 characters");
  }

  @Test
  void acceptsANameOf46CharactersWhoseFetchJobNameIs63() {
    String name = "a-name-of-forty-six-characters-is-just-allowed";
    assertThat(name).hasSize(NemotronDiffusionDeployment.MAX_NAME_LENGTH);
    assertThat((name + "-fetch-" + "0123456789").length()).isEqualTo(63);
    assertAccepted(with(example("h100-8b.yaml"), "/metadata/name", name));
    assertAccepted(with(example("h100-8b.yaml"), "/metadata/name", "x"));
  }

  @Test
  void acceptsAMinimalSpecAndFillsInValidDefaults() {
    ObjectNode cr =
        with(
            GeneratedCrd.YAML.createObjectNode(),
            "/spec",
            "{model: {size: 3B, source: {uri: 'hf://nvidia/Nemotron-Labs-Diffusion-3B'}},"
                + " gpu: {class: L4, count: 1}}");
    with(cr, "/metadata/name", "minimal");
    Admission.Result result = admit(cr);
    assertThat(result.schemaErrors()).isEmpty();
    assertThat(result.ruleViolations()).isEmpty();
    JsonNode spec = result.defaulted().get("spec");
    assertThat(spec.at("/quantization").asText()).isEqualTo("bf16");
    assertThat(spec.at("/maxContextLength").asInt()).isEqualTo(8192);
    assertThat(spec.at("/maxConcurrentSequences").asInt()).isEqualTo(8);
    assertThat(spec.at("/model/variant").asText()).isEqualTo("instruct");
    assertThat(spec.at("/modes/mix/selfSpeculation").asInt()).isEqualTo(100);
    assertThat(spec.at("/modes/mix/autoregressive").asInt()).isZero();
    assertThat(spec.at("/modes/selfSpeculation/variant").asText()).isEqualTo("linear");
    assertThat(spec.at("/scaling/minReplicas").asInt()).isEqualTo(1);
    assertThat(spec.at("/scaling/behavior/stabilizationSeconds").asInt()).isEqualTo(180);
    assertThat(spec.at("/scaling/actuator").asText()).isEqualTo("builtin");
    assertThat(spec.has("replicas")).isFalse();
  }

  @Test
  void acceptsTheDesignDocumentsDeployment() {
    assertAccepted(example("h100-8b.yaml"));
  }

  @Test
  void rejectsMinReplicasAboveMaxReplicas() {
    ObjectNode cr = with(example("h100-8b.yaml"), "/spec/scaling/minReplicas", "5");
    with(cr, "/spec/scaling/maxReplicas", "2");
    assertRejectedBy(
        cr, ".spec.scaling", "scaling.minReplicas (5) must not exceed scaling.maxReplicas (2)");
  }

  @Test
  void rejectsZeroMinReplicasWithTheBuiltinActuator() {
    ObjectNode cr = with(example("h100-8b.yaml"), "/spec/scaling/minReplicas", "0");
    with(cr, "/spec/scaling/actuator", "builtin");
    assertRejectedBy(cr, ".spec.scaling", "scaling.minReplicas 0 needs scaling.actuator external");
  }

  @Test
  void acceptsZeroMinReplicasWithAnExternalActuator() {
    ObjectNode cr = with(example("h100-8b.yaml"), "/spec/scaling/minReplicas", "0");
    with(cr, "/spec/scaling/actuator", "external");
    assertAccepted(cr);
  }

  @Test
  void rejectsMinReplicasAboveTheDefaultMaximum() {
    ObjectNode cr = without(example("h100-8b.yaml"), "/spec/scaling/maxReplicas");
    with(cr, "/spec/scaling/minReplicas", "6");
    assertRejectedBy(cr, ".spec.scaling", "scaling.maxReplicas (4)");
  }

  @Test
  void rejectsAModeMixSummingTo90() {
    ObjectNode cr =
        with(
            example("h100-8b.yaml"),
            "/spec/modes/mix",
            "{autoregressive: 20, diffusion: 30, selfSpeculation: 40}");
    assertRejectedBy(cr, ".spec.modes.mix", "modes.mix shares must sum to 100, got 90");
  }

  @Test
  void modesLeftOutOfTheMixCountAsZero() {
    assertAccepted(with(example("h100-8b.yaml"), "/spec/modes/mix", "{diffusion: 100}"));
    assertRejectedBy(
        with(example("h100-8b.yaml"), "/spec/modes/mix", "{diffusion: 60}"),
        ".spec.modes.mix",
        "got 60");
  }

  @Test
  void acceptsAdaptiveModePolicyWithBoundsAndDefaultsThemToFullRanges() {
    ObjectNode cr =
        with(
            example("h100-8b.yaml"),
            "/spec/scaling/modeBounds",
            "{autoregressive: {min: 10}, selfSpeculation: {max: 80}}");
    with(cr, "/spec/scaling/modePolicy", "adaptive");
    assertAccepted(cr);
    JsonNode bounds = admit(cr).defaulted().at("/spec/scaling/modeBounds");
    assertThat(bounds.at("/autoregressive/max").asInt()).isEqualTo(100);
    assertThat(bounds.at("/diffusion/min").asInt()).isZero();
    assertThat(bounds.at("/selfSpeculation/max").asInt()).isEqualTo(80);
  }

  @Test
  void rejectsAModeBoundWhoseMinExceedsItsMax() {
    assertRejectedBy(
        with(
            example("h100-8b.yaml"), "/spec/scaling/modeBounds", "{diffusion: {min: 60, max: 40}}"),
        ".spec.scaling.modeBounds.diffusion",
        "min (60) must not exceed max (40)");
  }

  @Test
  void rejectsModeBoundsThatAdmitNoMixSummingTo100() {
    assertRejectedBy(
        with(
            example("h100-8b.yaml"),
            "/spec/scaling/modeBounds",
            "{autoregressive: {min: 50}, diffusion: {min: 60}}"),
        ".spec.scaling.modeBounds",
        "the mins sum to 110");
    assertRejectedBy(
        with(
            example("h100-8b.yaml"),
            "/spec/scaling/modeBounds",
            "{autoregressive: {max: 20}, diffusion: {max: 20}, selfSpeculation: {max: 50}}"),
        ".spec.scaling.modeBounds",
        "the maxes to 90");
  }

  @Test
  void rejectsZeroGpusOnH100() {
    assertRejectedBy(
        with(example("h100-8b.yaml"), "/spec/gpu/count", "0"),
        ".spec.gpu",
        "gpu.count must be at least 1 for a GPU class");
  }

  @Test
  void rejectsMoreThanOneGpuPerReplicaAndPointsToReplicas() {
    assertRejectedBy(
        with(example("h100-8b.yaml"), "/spec/gpu/count", "2"),
        ".spec.gpu",
        "scale out with spec.replicas");
    assertAccepted(with(example("h100-8b.yaml"), "/spec/gpu/count", "1"));
  }

  @Test
  void rejectsAGpuClassWithoutACount() {
    assertRejectedBy(
        without(example("h100-8b.yaml"), "/spec/gpu/count"), ".spec.gpu", "at least 1");
  }

  @Test
  void rejectsGpusOnTheCpuClassButAcceptsZero() {
    assertRejectedBy(
        with(example("cpu-tiny.yaml"), "/spec/gpu/count", "1"), ".spec.gpu", "0 or absent");
    assertAccepted(with(example("cpu-tiny.yaml"), "/spec/gpu/count", "0"));
  }

  @Test
  void rejectsFp8OnA100() {
    ObjectNode cr = with(example("h100-8b.yaml"), "/spec/gpu", "{class: A100-80GB, count: 1}");
    with(cr, "/spec/quantization", "fp8");
    assertRejectedBy(cr, ".spec", "quantization fp8 needs FP8 tensor cores");
  }

  @Test
  void rejectsFp8OnCpu() {
    assertRejectedBy(
        with(example("cpu-tiny.yaml"), "/spec/quantization", "fp8"), ".spec", "on A100 or CPU");
  }

  @Test
  void acceptsFp8OnEveryFp8CapableClassAndInt8OnA100() {
    for (String gpu : List.of("H100", "H200", "B200", "GB200", "L40S", "L4")) {
      ObjectNode cr = with(example("h100-8b.yaml"), "/spec/gpu/class", gpu);
      assertAccepted(with(cr, "/spec/quantization", "fp8"));
    }
    ObjectNode a100 = with(example("h100-8b.yaml"), "/spec/gpu/class", "A100-40GB");
    assertAccepted(with(a100, "/spec/quantization", "int8"));
  }

  @Test
  void rejectsQuadraticSelfSpeculationWithBlocksAbove32() {
    ObjectNode cr =
        with(
            example("multi-tenant.yaml"),
            "/spec/modes/selfSpeculation",
            "{blockSize: 33, variant: quadratic}");
    assertRejectedBy(cr, ".spec.modes.selfSpeculation", "must be at most 32 (1056 tokens)");
    assertAccepted(
        with(
            example("multi-tenant.yaml"),
            "/spec/modes/selfSpeculation",
            "{blockSize: 32, variant: quadratic}"));
    assertAccepted(
        with(
            example("multi-tenant.yaml"),
            "/spec/modes/selfSpeculation",
            "{blockSize: 64, variant: linear}"));
  }

  @Test
  void rejectsASecretRefForSourcesThatNeedNoCredentials() {
    ObjectNode cr = with(example("cpu-tiny.yaml"), "/spec/model/source/secretRef", "my-creds");
    assertRejectedBy(cr, ".spec.model.source", "remove secretRef");
    ObjectNode pvc =
        with(
            example("cpu-tiny.yaml"),
            "/spec/model/source",
            "{uri: 'pvc://weights/8b', secretRef: my-creds}");
    assertRejectedBy(pvc, ".spec.model.source", "pvc:// and file:// need no credentials");
    assertAccepted(
        with(
            example("cpu-tiny.yaml"),
            "/spec/model/source",
            "{uri: 'oci://registry.example/models/nemotron:8b', secretRef: pull-secret}"));
  }

  @Test
  void rejectsTheNodesRootAsAFileSource() {
    for (String uri : List.of("file:///", "file:////", "file:////etc")) {
      assertRejectedBy(
          with(example("cpu-tiny.yaml"), "/spec/model/source/uri", "'" + uri + "'"),
          ".spec.model.source",
          "must name a directory below the node's root");
    }
    assertAccepted(with(example("cpu-tiny.yaml"), "/spec/model/source/uri", "'file:///models'"));
  }

  @ParameterizedTest(name = "{0} is refused")
  @ValueSource(
      strings = {
        "file:///var/lib/ndd/../../../etc",
        "file:///..",
        "file:///var/lib/ndd/models/.",
        "pvc://weights/../other-claim",
        "pvc://weights/./8b",
        "s3://models-prod/nemotron/../secrets"
      })
  void rejectsDotSegmentsInASourcePath(String uri) {
    assertRejectedBy(
        with(example("cpu-tiny.yaml"), "/spec/model/source/uri", "'" + uri + "'"),
        ".spec.model.source",
        "must not contain '.' or '..' path segments");
  }

  @Test
  void acceptsNamesThatMerelyContainDots() {
    for (String uri :
        List.of(
            "file:///var/lib/ndd/models/.cache/v1.2",
            "pvc://weights/..8b/model...v2",
            "oci://registry.example/models/nemotron:1.0")) {
      assertAccepted(with(example("cpu-tiny.yaml"), "/spec/model/source/uri", "'" + uri + "'"));
    }
  }

  @Test
  void rejectsCredentialsInTheSourceUri() {
    for (String uri :
        List.of(
            "oci://robot:s3cr3t@registry.example/models/nemotron:8b",
            "oci://token@registry.example/models/nemotron:8b")) {
      assertRejectedBy(
          with(example("h100-8b.yaml"), "/spec/model/source", "{uri: '" + uri + "'}"),
          ".spec.model.source",
          "must not carry credentials");
    }
    // A digest's '@' comes after the registry's first '/'.
    assertAccepted(
        with(
            example("h100-8b.yaml"),
            "/spec/model/source",
            "{uri: 'oci://registry.example/models/nemotron@sha256:0123abcd'}"));
  }

  @Test
  void rejectsARevisionOutsideHuggingFace() {
    ObjectNode cr =
        with(
            example("h100-8b.yaml"),
            "/spec/model/source",
            "{uri: 's3://models-prod/nemotron/8b', revision: v1}");
    assertRejectedBy(cr, ".spec.model.source", "applies to hf:// repositories only");
  }

  @Test
  void rejectsACacheForSourcesReadInPlace() {
    ObjectNode cr = with(example("cpu-tiny.yaml"), "/spec/model/cache", "{pvc: {size: 10Gi}}");
    assertRejectedBy(cr, ".spec.model", "remove model.cache");
  }

  @Test
  void reportsEveryBrokenRuleAtOnce() {
    ObjectNode cr = with(example("multi-tenant.yaml"), "/spec/scaling/minReplicas", "20");
    with(cr, "/spec/modes/mix", "{autoregressive: 10}");
    with(cr, "/spec/gpu", "{class: A100-40GB, count: 0}");
    Admission.Result result = admit(cr);
    assertThat(result.schemaErrors()).isEmpty();
    assertThat(result.ruleViolations())
        .extracting(CelValidationRules.Violation::path)
        .containsExactlyInAnyOrder(".spec", ".spec.gpu", ".spec.modes.mix", ".spec.scaling");
  }

  private static void assertAccepted(JsonNode cr) {
    Admission.Result result = admit(cr);
    assertThat(result.schemaErrors()).as("schema errors").isEmpty();
    assertThat(result.ruleViolations()).as("CEL rule violations").isEmpty();
  }

  /** Refused by exactly one CEL rule (the schema alone would accept it), with that message. */
  private static void assertRejectedBy(JsonNode cr, String path, String messagePart) {
    Admission.Result result = admit(cr);
    assertThat(result.schemaErrors()).as("schema errors").isEmpty();
    assertThat(result.ruleViolations()).as("CEL rule violations").hasSize(1);
    CelValidationRules.Violation violation = result.ruleViolations().getFirst();
    assertThat(violation.path()).isEqualTo(path);
    assertThat(violation.message()).contains(messagePart);
  }

  /** Rules declared with @ValidationRule on the resource class and the API's classes and fields. */
  private static int annotatedRuleCount() {
    List<AnnotatedElement> annotated = new ArrayList<>(List.of(NemotronDiffusionDeployment.class));
    for (ApiTypeTree.ApiObject object : ApiTypeTree.objects(GeneratedCrd.openApiSchema())) {
      annotated.add(object.type());
    }
    for (ApiTypeTree.Property property : ApiTypeTree.properties(GeneratedCrd.openApiSchema())) {
      annotated.add(property.field());
    }
    return annotated.stream()
        .mapToInt(element -> element.getAnnotationsByType(ValidationRule.class).length)
        .sum();
  }
}
