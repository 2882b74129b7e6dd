package dev.inference.nemotron.pod.tokenizer.jinja;

import java.util.List;
import java.util.Map;

/** Jinja's tests: the right-hand side of {@code value is name(arguments)}. */
final class Tests {
  private Tests() {}

  static boolean apply(String name, Object v, List<Object> args) {
    return switch (name) {
      case "defined" -> !(v instanceof Undefined);
      case "undefined" -> v instanceof Undefined;
      case "none" -> v == null;
      case "boolean" -> v instanceof Boolean;
      case "true" -> Boolean.TRUE.equals(v);
      case "false" -> Boolean.FALSE.equals(v);
      case "integer" -> v instanceof Long;
      case "float" -> v instanceof Double;
      case "number" -> Values.isNumber(v);
      case "string" -> v instanceof String;
      case "mapping" -> v instanceof Map;
      case "iterable" ->
          v instanceof String
              || v instanceof List
              || v instanceof Map
              || v instanceof Undefined
              || v instanceof Generator;
      case "sequence" ->
          v instanceof String || v instanceof List || v instanceof Map || v instanceof Undefined;
      case "callable" -> v instanceof Callable;
      case "lower" -> Python.isLower(Values.str(v));
      case "upper" -> Python.isUpper(Values.str(v));
      case "even" -> Values.equal(Operators.binary("%", v, 2L), 0L);
      case "odd" -> Values.equal(Operators.binary("%", v, 2L), 1L);
      case "divisibleby" -> Values.equal(Operators.binary("%", v, arg(name, args)), 0L);
      case "eq", "equalto", "==" -> Values.equal(v, arg(name, args));
      case "ne", "!=" -> !Values.equal(v, arg(name, args));
      case "lt", "lessthan", "<" -> Values.compare(v, arg(name, args)) < 0;
      case "le", "<=" -> Values.compare(v, arg(name, args)) <= 0;
      case "gt", "greaterthan", ">" -> Values.compare(v, arg(name, args)) > 0;
      case "ge", ">=" -> Values.compare(v, arg(name, args)) >= 0;
      case "in" -> Values.contains(arg(name, args), v);
      case "sameas" -> sameAs(v, arg(name, args));
      default -> throw new EvalError("no test named '" + name + "'");
    };
  }

  private static Object arg(String test, List<Object> args) {
    if (args.isEmpty()) {
      throw new EvalError("test '" + test + "' needs an argument");
    }
    return args.getFirst();
  }

  /** Python's {@code is}: identity, which for None, booleans and small values means equality. */
  private static boolean sameAs(Object a, Object b) {
    if (a == null || b == null || a instanceof Boolean || b instanceof Boolean) {
      return a == b || (a instanceof Boolean && a.equals(b));
    }
    return a == b || (a instanceof Long && a.equals(b));
  }
}
