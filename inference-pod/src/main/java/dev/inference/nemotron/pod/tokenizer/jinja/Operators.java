package dev.inference.nemotron.pod.tokenizer.jinja;

import java.util.ArrayList;
import java.util.List;

/** Python's arithmetic operators on template values (int, float, str and list operands). */
final class Operators {
  private Operators() {}

  static Object binary(String op, Object a, Object b) {
    if (a instanceof Undefined u) {
      throw u.error();
    }
    if (b instanceof Undefined u) {
      throw u.error();
    }
    return switch (op) {
      case "+" -> add(a, b);
      case "-" -> arithmetic(op, a, b, Math::subtractExact, (x, y) -> x - y);
      case "*" -> multiply(a, b);
      case "/" -> divide(toNumber(op, a, b, a), toNumber(op, a, b, b));
      case "//" -> floorDivide(op, a, b);
      case "%" -> modulo(op, a, b);
      case "**" -> power(op, a, b);
      default -> throw new EvalError("unknown operator " + op);
    };
  }

  /** Unary {@code -} or {@code +}; negating 0.0 gives -0.0 as in Python. */
  static Object sign(String op, Object v) {
    return switch (v) {
      case Double d -> op.equals("-") ? -d : d;
      case Long l -> op.equals("-") ? Math.negateExact(l) : l;
      case Boolean b -> op.equals("-") ? (b ? -1L : 0L) : (b ? 1L : 0L);
      case Undefined u -> throw u.error();
      case null, default ->
          throw new EvalError(
              "bad operand type for unary " + op + ": '" + Values.typeName(v) + "'");
    };
  }

  private interface LongOp {
    long apply(long a, long b);
  }

  private interface DoubleOp {
    double apply(double a, double b);
  }

  private static Object arithmetic(String op, Object a, Object b, LongOp ints, DoubleOp floats) {
    double x = toNumber(op, a, b, a);
    double y = toNumber(op, a, b, b);
    if (a instanceof Double || b instanceof Double) {
      return floats.apply(x, y);
    }
    return ints.apply(Values.toLong(a, ""), Values.toLong(b, ""));
  }

  private static double toNumber(String op, Object a, Object b, Object v) {
    if (!Values.isNumber(v)) {
      throw unsupported(op, a, b);
    }
    return Values.toDouble(v);
  }

  private static EvalError unsupported(String op, Object a, Object b) {
    return new EvalError(
        "unsupported operand type(s) for "
            + op
            + ": '"
            + Values.typeName(a)
            + "' and '"
            + Values.typeName(b)
            + "'");
  }

  private static Object add(Object a, Object b) {
    if (a instanceof String x && b instanceof String y) {
      return x + y;
    }
    if (a instanceof List<?> x && b instanceof List<?> y) {
      List<Object> joined = new ArrayList<>(x);
      joined.addAll(y);
      return a instanceof Values.Tuple ? new Values.Tuple(joined) : joined;
    }
    if (a instanceof String || b instanceof String || a instanceof List || b instanceof List) {
      throw new EvalError(
          "can only concatenate "
              + Values.typeName(a)
              + " (not \""
              + Values.typeName(b)
              + "\") to "
              + Values.typeName(a));
    }
    return arithmetic("+", a, b, Math::addExact, Double::sum);
  }

  private static Object multiply(Object a, Object b) {
    if (a instanceof String || a instanceof List) {
      return repeat(a, b);
    }
    if (b instanceof String || b instanceof List) {
      return repeat(b, a);
    }
    return arithmetic("*", a, b, Math::multiplyExact, (x, y) -> x * y);
  }

  private static Object repeat(Object sequence, Object times) {
    if (!(times instanceof Long || times instanceof Boolean)) {
      throw new EvalError(
          "can't multiply sequence by non-int of type '" + Values.typeName(times) + "'");
    }
    long n = Math.max(0, Values.toLong(times, "repeat count"));
    if (sequence instanceof String s) {
      return s.repeat((int) n);
    }
    List<Object> out = new ArrayList<>();
    for (long i = 0; i < n; i++) {
      out.addAll((List<?>) sequence);
    }
    return out;
  }

  private static Object divide(double x, double y) {
    if (y == 0) {
      throw new EvalError("division by zero");
    }
    return x / y;
  }

  private static Object floorDivide(String op, Object a, Object b) {
    double y = toNumber(op, a, b, b);
    if (y == 0) {
      throw new EvalError("integer division or modulo by zero");
    }
    return arithmetic(op, a, b, Math::floorDiv, Operators::floorDivide);
  }

  private static Object modulo(String op, Object a, Object b) {
    if (a instanceof String) {
      throw new EvalError("printf-style string formatting ('%' on a string) is not supported");
    }
    double y = toNumber(op, a, b, b);
    if (y == 0) {
      throw new EvalError("integer division or modulo by zero");
    }
    return arithmetic(op, a, b, Math::floorMod, Operators::modulo);
  }

  /** Python's float {@code %}: fmod, moved to the divisor's sign. */
  private static double modulo(double x, double y) {
    double mod = x % y;
    if (mod == 0) {
      return Math.copySign(0.0, y);
    }
    return (y < 0) != (mod < 0) ? mod + y : mod;
  }

  /** Python's float {@code //}, computed from the same fmod so that x == q * y + r holds. */
  private static double floorDivide(double x, double y) {
    double mod = x % y;
    double div = (x - mod) / y;
    if (mod != 0 && (y < 0) != (mod < 0)) {
      div -= 1.0;
    }
    if (div == 0) {
      return Math.copySign(0.0, x / y);
    }
    double floor = Math.floor(div);
    return div - floor > 0.5 ? floor + 1.0 : floor;
  }

  private static Object power(String op, Object a, Object b) {
    double x = toNumber(op, a, b, a);
    double y = toNumber(op, a, b, b);
    if (a instanceof Double || b instanceof Double || y < 0) {
      return Math.pow(x, y);
    }
    long result = 1;
    for (long i = 0; i < (long) y; i++) {
      result = Math.multiplyExact(result, (long) x);
    }
    return result;
  }
}
