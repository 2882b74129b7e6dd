package dev.inference.nemotron.api.v1alpha1;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.collect.ImmutableCollection;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.CelType;
import dev.cel.common.types.CelTypeProvider;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.types.StructType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Every {@code x-kubernetes-validations} rule of a CRD schema, type-checked and evaluated the way
 * the API server does it: {@code self} is the node carrying the rule, typed from the schema (an
 * object with properties is a struct, so a misspelt field is a compile error), and a rule runs only
 * where its node is present, after defaulting.
 */
final class CelValidationRules {

  /** One compiled rule and where it sits. */
  record Rule(
      String path,
      String expression,
      String message,
      String messageExpression,
      CelAbstractSyntaxTree ast,
      CelAbstractSyntaxTree messageAst) {}

  /** A rule that did not hold (or failed to evaluate) on a value. */
  record Violation(String path, String rule, String message) {}

  /** Property names the API server escapes as {@code __name__} because CEL reserves them. */
  private static final Set<String> RESERVED =
      Set.of(
          "true",
          "false",
          "null",
          "in",
          "as",
          "break",
          "const",
          "continue",
          "else",
          "for",
          "function",
          "if",
          "import",
          "let",
          "loop",
          "package",
          "namespace",
          "return",
          "var",
          "void",
          "while");

  private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder().build();

  private final Map<JsonNode, List<Rule>> rulesBySchemaNode = new IdentityHashMap<>();
  private final List<Rule> rules = new ArrayList<>();
  private final JsonNode root;

  private CelValidationRules(JsonNode root) {
    this.root = root;
  }

  /**
   * Compiles every rule under the schema root.
   *
   * @throws IllegalStateException naming each rule that does not parse, type-check or yield the
   *     right result type
   */
  static CelValidationRules compile(JsonNode crdRootSchema) {
    JsonNode rootSchema = withTypeAndObjectMeta(crdRootSchema);
    CelValidationRules compiled = new CelValidationRules(rootSchema);
    Map<String, StructType> structs = new LinkedHashMap<>();
    Map<JsonNode, CelType> types = new IdentityHashMap<>();
    // Struct names start with a name no expression can spell: were the root's struct named "self",
    // the checker would read self.metadata in a root rule as the type "self.metadata".
    celType(rootSchema, "<root>", structs, types);
    CelTypeProvider typeProvider = new SchemaTypeProvider(structs);
    List<String> errors = new ArrayList<>();
    compiled.collect(rootSchema, "", types, typeProvider, errors);
    if (!errors.isEmpty()) {
      throw new IllegalStateException(
          "CEL rules that do not compile:\n  " + String.join("\n  ", errors));
    }
    return compiled;
  }

  /**
   * The root schema as CEL sees it on the API server: with {@code apiVersion}, {@code kind} and, of
   * {@code metadata}, only {@code name} and {@code generateName}, so that a root rule may check the
   * name and a rule reading other metadata does not compile.
   */
  private static JsonNode withTypeAndObjectMeta(JsonNode crdRootSchema) {
    ObjectNode root = crdRootSchema.deepCopy();
    ObjectNode properties =
        root.has("properties") ? (ObjectNode) root.get("properties") : root.putObject("properties");
    properties.putObject("apiVersion").put("type", "string");
    properties.putObject("kind").put("type", "string");
    ObjectNode metadata = properties.putObject("metadata").put("type", "object");
    ObjectNode metadataProperties = metadata.putObject("properties");
    metadataProperties.putObject("name").put("type", "string");
    metadataProperties.putObject("generateName").put("type", "string");
    return root;
  }

  List<Rule> rules() {
    return List.copyOf(rules);
  }

  /** Every rule that does not hold on the (already defaulted) object. */
  List<Violation> evaluate(JsonNode object) {
    List<Violation> violations = new ArrayList<>();
    evaluate(root, object, "", violations);
    return violations;
  }

  private void collect(
      JsonNode schema,
      String path,
      Map<JsonNode, CelType> types,
      CelTypeProvider typeProvider,
      List<String> errors) {
    JsonNode validations = schema.path("x-kubernetes-validations");
    if (!validations.isMissingNode()) {
      CelCompiler compiler =
          CelCompilerFactory.standardCelCompilerBuilder()
              .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
              .setTypeProvider(typeProvider)
              .addVar("self", types.get(schema))
              .build();
      List<Rule> here = new ArrayList<>();
      for (JsonNode validation : validations) {
        String expression = validation.path("rule").asText();
        String message = validation.path("message").asText("");
        String messageExpression = validation.path("messageExpression").asText("");
        try {
          CelAbstractSyntaxTree ast = compiler.compile(expression).getAst();
          if (!ast.getResultType().equals(SimpleType.BOOL)) {
            errors.add(
                path + ": '" + expression + "' yields " + ast.getResultType() + ", not bool");
            continue;
          }
          CelAbstractSyntaxTree messageAst = null;
          if (!messageExpression.isEmpty()) {
            messageAst = compiler.compile(messageExpression).getAst();
            if (!messageAst.getResultType().equals(SimpleType.STRING)) {
              errors.add(path + ": messageExpression '" + messageExpression + "' is not a string");
              continue;
            }
          }
          here.add(new Rule(path, expression, message, messageExpression, ast, messageAst));
        } catch (CelValidationException e) {
          errors.add(path + ": " + e.getMessage());
        }
      }
      rules.addAll(here);
      rulesBySchemaNode.put(schema, here);
    }
    schema
        .path("properties")
        .properties()
        .forEach(p -> collect(p.getValue(), path + "." + p.getKey(), types, typeProvider, errors));
    if (schema.path("items").isObject()) {
      collect(schema.get("items"), path + "[*]", types, typeProvider, errors);
    }
    if (schema.path("additionalProperties").isObject()) {
      collect(schema.get("additionalProperties"), path + "[*]", types, typeProvider, errors);
    }
  }

  private void evaluate(JsonNode schema, JsonNode value, String path, List<Violation> out) {
    for (Rule rule : rulesBySchemaNode.getOrDefault(schema, List.of())) {
      Map<String, Object> activation = Map.of("self", toCel(schema, value));
      try {
        Object verdict = RUNTIME.createProgram(rule.ast()).eval(activation);
        if (!Boolean.TRUE.equals(verdict)) {
          out.add(new Violation(path, rule.expression(), message(rule, activation)));
        }
      } catch (CelEvaluationException e) {
        out.add(new Violation(path, rule.expression(), "evaluation error: " + e.getMessage()));
      }
    }
    if (value.isObject()) {
      schema
          .path("properties")
          .properties()
          .forEach(
              p -> {
                if (value.has(p.getKey())) {
                  evaluate(p.getValue(), value.get(p.getKey()), path + "." + p.getKey(), out);
                }
              });
    }
    if (value.isArray() && schema.path("items").isObject()) {
      for (int i = 0; i < value.size(); i++) {
        evaluate(schema.get("items"), value.get(i), path + "[" + i + "]", out);
      }
    }
  }

  /** Like the API server: the messageExpression when it evaluates, else the static message. */
  private static String message(Rule rule, Map<String, Object> activation) {
    if (rule.messageAst() != null) {
      try {
        return (String) RUNTIME.createProgram(rule.messageAst()).eval(activation);
      } catch (CelEvaluationException e) {
        return rule.message();
      }
    }
    return rule.message();
  }

  /** The CEL type the API server declares for a schema node. */
  private static CelType celType(
      JsonNode schema, String name, Map<String, StructType> structs, Map<JsonNode, CelType> types) {
    CelType type;
    if (schema.path("x-kubernetes-int-or-string").asBoolean()
        || schema.path("x-kubernetes-preserve-unknown-fields").asBoolean()) {
      type = SimpleType.DYN;
    } else {
      type =
          switch (schema.path("type").asText("")) {
            case "string" -> SimpleType.STRING;
            case "integer" -> SimpleType.INT;
            case "number" -> SimpleType.DOUBLE;
            case "boolean" -> SimpleType.BOOL;
            case "array" ->
                ListType.create(celType(schema.path("items"), name + "[*]", structs, types));
            case "object" -> objectType(schema, name, structs, types);
            default -> SimpleType.DYN;
          };
    }
    types.put(schema, type);
    return type;
  }

  private static CelType objectType(
      JsonNode schema, String name, Map<String, StructType> structs, Map<JsonNode, CelType> types) {
    if (schema.path("additionalProperties").isObject()) {
      return MapType.create(
          SimpleType.STRING,
          celType(schema.get("additionalProperties"), name + "[*]", structs, types));
    }
    if (!schema.has("properties")) {
      return SimpleType.DYN;
    }
    Map<String, CelType> fields = new LinkedHashMap<>();
    schema
        .get("properties")
        .properties()
        .forEach(
            p ->
                celName(p.getKey())
                    .ifPresent(
                        field ->
                            fields.put(
                                field,
                                celType(p.getValue(), name + "." + p.getKey(), structs, types))));
    StructType struct =
        StructType.create(
            name, ImmutableSet.copyOf(fields.keySet()), f -> Optional.ofNullable(fields.get(f)));
    structs.put(name, struct);
    return struct;
  }

  /**
   * The name under which CEL sees a property, as the API server escapes it; empty when the API
   * server does not expose it to CEL at all.
   */
  static Optional<String> celName(String property) {
    if (RESERVED.contains(property)) {
      return Optional.of("__" + property + "__");
    }
    if (!property.matches("[a-zA-Z_.\\-/][a-zA-Z0-9_.\\-/]*")) {
      return Optional.empty();
    }
    return Optional.of(
        property
            .replace("__", "__underscores__")
            .replace(".", "__dot__")
            .replace("-", "__dash__")
            .replace("/", "__slash__"));
  }

  /** The value as CEL sees it: int64 for integers, double for numbers, escaped field names. */
  private static Object toCel(JsonNode schema, JsonNode value) {
    if (schema.path("x-kubernetes-int-or-string").asBoolean()) {
      return value.isIntegralNumber() ? (Object) value.longValue() : value.asText();
    }
    if (value.isObject()) {
      Map<String, Object> map = new LinkedHashMap<>();
      JsonNode properties = schema.path("properties");
      JsonNode additional = schema.path("additionalProperties");
      value
          .properties()
          .forEach(
              field -> {
                if (properties.has(field.getKey())) {
                  celName(field.getKey())
                      .ifPresent(
                          name ->
                              map.put(
                                  name, toCel(properties.get(field.getKey()), field.getValue())));
                } else if (additional.isObject()) {
                  map.put(field.getKey(), toCel(additional, field.getValue()));
                } else if (!schema.has("properties")) {
                  map.put(field.getKey(), toCel(schema, field.getValue()));
                }
              });
      return map;
    }
    if (value.isArray()) {
      List<Object> list = new ArrayList<>();
      value.forEach(item -> list.add(toCel(schema.path("items"), item)));
      return list;
    }
    return switch (schema.path("type").asText("")) {
      case "integer" -> value.longValue();
      case "number" -> value.doubleValue();
      case "boolean" -> value.booleanValue();
      case "string" -> value.asText();
      default ->
          value.isIntegralNumber()
              ? (Object) value.longValue()
              : value.isNumber()
                  ? (Object) value.doubleValue()
                  : value.isBoolean() ? (Object) value.booleanValue() : value.asText();
    };
  }

  /** Resolves the struct types built from the schema by name. */
  private record SchemaTypeProvider(Map<String, StructType> structs) implements CelTypeProvider {
    @Override
    public ImmutableCollection<CelType> types() {
      return ImmutableList.copyOf(structs.values());
    }

    @Override
    public Optional<CelType> findType(String typeName) {
      return Optional.ofNullable(structs.get(typeName));
    }
  }
}
