package dev.inference.nemotron.api.v1alpha1;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/**
 * What the API server does to a NemotronDiffusionDeployment on create, from the generated CRD:
 * default, validate the structure, then run every CEL rule. Test-only stand-in for a real API
 * server, which cannot run on these machines.
 */
final class Admission {

  static final Path EXAMPLES = Path.of("examples");

  private static final OpenApiSchema SCHEMA = new OpenApiSchema(GeneratedCrd.openApiSchema());
  private static final CelValidationRules RULES =
      CelValidationRules.compile(GeneratedCrd.openApiSchema());

  /** The object after defaulting, and every reason it would be refused. */
  record Result(
      JsonNode defaulted,
      List<String> schemaErrors,
      List<CelValidationRules.Violation> ruleViolations) {

    boolean accepted() {
      return schemaErrors.isEmpty() && ruleViolations.isEmpty();
    }
  }

  private Admission() {}

  static Result admit(JsonNode object) {
    JsonNode defaulted = object.deepCopy();
    SCHEMA.applyDefaults(defaulted);
    return new Result(defaulted, SCHEMA.validate(defaulted), RULES.evaluate(defaulted));
  }

  static CelValidationRules rules() {
    return RULES;
  }

  /** An example CR from crds/examples, as a mutable tree. */
  static ObjectNode example(String fileName) {
    return (ObjectNode) GeneratedCrd.readYaml(EXAMPLES.resolve(fileName));
  }

  /**
   * Sets the value at a JSON pointer (e.g. {@code /spec/scaling/minReplicas}) to a YAML snippet,
   * creating missing parent objects.
   */
  static ObjectNode with(ObjectNode object, String pointer, String yaml) {
    int slash = pointer.lastIndexOf('/');
    JsonNode parent = object;
    for (String segment : pointer.substring(0, slash).split("/")) {
      if (segment.isEmpty()) {
        continue;
      }
      parent =
          parent instanceof ArrayNode array
              ? array.get(Integer.parseInt(segment))
              : parent.has(segment)
                  ? parent.get(segment)
                  : ((ObjectNode) parent).putObject(segment);
    }
    JsonNode value;
    try {
      value = GeneratedCrd.YAML.readTree(yaml);
    } catch (IOException e) {
      throw new UncheckedIOException("bad YAML snippet: " + yaml, e);
    }
    String last = pointer.substring(slash + 1);
    if (parent instanceof ArrayNode array) {
      array.set(Integer.parseInt(last), value);
    } else {
      ((ObjectNode) parent).set(last, value);
    }
    return object;
  }

  /** Removes the field at a JSON pointer. */
  static ObjectNode without(ObjectNode object, String pointer) {
    int slash = pointer.lastIndexOf('/');
    ((ObjectNode) object.at(pointer.substring(0, slash))).remove(pointer.substring(slash + 1));
    return object;
  }
}
