package dev.inference.nemotron.api.v1alpha1;

import static dev.inference.nemotron.api.v1alpha1.Admission.admit;
import static dev.inference.nemotron.api.v1alpha1.Admission.example;
import static dev.inference.nemotron.api.v1alpha1.Admission.with;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Mistakes the schema itself (enums, ranges, patterns, required fields) refuses before CEL. */
class SchemaValidationTest {

  @ParameterizedTest(name = "{0} = {1} is refused: {2}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      textBlock =
          """
          /spec/model/size                        | 7B                                   | is not one of
          /spec/quantization                      | fp16                                 | is not one of
          /spec/gpu/class                         | V100                                 | is not one of
          /spec/gpu/count                         | 9                                    | above the maximum
          /spec/model/source/uri                  | https://example.com/model            | does not match
          /spec/model/source/uri                  | hf://nvidia                          | does not match
          /spec/model/source/uri                  | 'pvc://Weights'                      | does not match
          /spec/model/draftAdapter                | ../outside                           | does not match
          /spec/modes/diffusion/threshold         | 0                                    | below the minimum
          /spec/modes/diffusion/threshold         | 1.5                                  | above the maximum
          /spec/modes/mix/diffusion               | -10                                  | below the minimum
          /spec/scaling/minReplicas               | -1                                   | below the minimum
          /spec/scaling/behavior/panicThreshold   | 1.0                                  | below the minimum
          /spec/maxContextLength                  | 100                                  | below the minimum
          /spec/scaling/actuator                  | hpa                                  | is not one of
          /spec/tenants                           | [{name: Search, apiKeySecretRef: {name: k}}] | does not match
          /spec/tenants                           | [{name: search}]                     | required
          /spec/model/source/revision             | "''"                                 | shorter than 1
          /spec/model/revison                     | main                                 | unknown field
          /spec/model/source                      | {revision: main}                     | .spec.model.source.uri: required
          """)
  void refuses(String pointer, String yaml, String expectedError) {
    JsonNode cr = with(example("h100-8b.yaml"), pointer, yaml);
    assertThat(admit(cr).schemaErrors()).anySatisfy(e -> assertThat(e).contains(expectedError));
  }

  @Test
  void refusesTwoConditionsOfTheSameType() {
    JsonNode cr =
        with(
            example("h100-8b.yaml"),
            "/status",
            "{conditions: [{type: Ready, status: 'True'}, {type: Progressing, status: 'False'},"
                + " {type: Ready, status: 'False'}]}");
    assertThat(admit(cr).schemaErrors())
        .containsExactly(".status.conditions[2]: duplicate entry with type=\"Ready\"");
    JsonNode untyped = with(example("h100-8b.yaml"), "/status", "{conditions: [{status: 'True'}]}");
    assertThat(admit(untyped).schemaErrors())
        .containsExactly(".status.conditions[0].type: required");
  }

  @Test
  void refusesTwoTenantsOfTheSameNameAsAListMap() {
    JsonNode cr = with(example("multi-tenant.yaml"), "/spec/tenants/2/name", "search");
    assertThat(admit(cr).schemaErrors())
        .singleElement()
        .asString()
        .startsWith(".spec.tenants[2]: duplicate entry with name=\"search\"");
  }

  @ParameterizedTest(name = "{0} = {1} is accepted")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          /spec/model/source/uri | hf://nvidia/Nemotron-Labs-Diffusion-14B
          /spec/model/source     | {uri: 's3://models-prod/nemotron/8b'}
          /spec/model/source     | {uri: 'oci://ghcr.example/models/nemotron@sha256:abc'}
          /spec/model/size       | 14B
          /spec/gpu/class        | A100-80GB
          /spec/modes/diffusion/threshold | 1
          /spec/model/cache/pvc/size      | 42949672960
          """)
  void accepts(String pointer, String yaml) {
    JsonNode cr = with(example("h100-8b.yaml"), pointer, yaml);
    Admission.Result result = admit(cr);
    assertThat(result.schemaErrors()).isEmpty();
    assertThat(result.ruleViolations()).isEmpty();
  }
}
