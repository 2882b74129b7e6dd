package dev.inference.nemotron.pod.tokenizer.jinja;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Python semantics of template values. Values are {@code null} (None), {@link Boolean}, {@link
 * Long} (int), {@link Double} (float), {@link String}, {@link List}, {@link Map} (dict, insertion
 * ordered), {@link Undefined}, {@link Namespace}, {@link Loop} and {@link Callable}.
 */
final class Values {
  private Values() {}

  static boolean truthy(Object v) {
    return switch (v) {
      case null -> false;
      case Boolean b -> b;
      case Long l -> l != 0;
      case Double d -> d != 0;
      case String s -> !s.isEmpty();
      case Collection<?> c -> !c.isEmpty();
      case Map<?, ?> m -> !m.isEmpty();
      case Undefined u -> false;
      default -> true;
    };
  }

  /** Python's {@code str()}; undefined prints as nothing. */
  static String str(Object v) {
    return switch (v) {
      case String s -> s;
      case Undefined u -> "";
      case null, default -> repr(v);
    };
  }

  /** Python's {@code repr()}, which {@code str()} of a list or dict uses for its items. */
  static String repr(Object v) {
    return switch (v) {
      case null -> "None";
      case Boolean b -> b ? "True" : "False";
      case Double d -> Python.repr(d);
      case String s -> Python.repr(s);
      case List<?> list -> {
        StringBuilder out = new StringBuilder(list instanceof Tuple ? "(" : "[");
        for (int i = 0; i < list.size(); i++) {
          out.append(i > 0 ? ", " : "").append(repr(list.get(i)));
        }
        if (list instanceof Tuple && list.size() == 1) {
          out.append(',');
        }
        yield out.append(list instanceof Tuple ? ")" : "]").toString();
      }
      case Map<?, ?> map -> {
        StringBuilder out = new StringBuilder("{");
        for (Map.Entry<?, ?> e : map.entrySet()) {
          out.append(out.length() > 1 ? ", " : "").append(repr(e.getKey())).append(": ");
          out.append(repr(e.getValue()));
        }
        yield out.append('}').toString();
      }
      case Undefined u -> "Undefined";
      case Loop l -> "<LoopContext>";
      case Callable c -> "<function>";
      default -> v.toString();
    };
  }

  /** Python's type name, for error messages. */
  static String typeName(Object v) {
    return switch (v) {
      case null -> "NoneType";
      case Boolean b -> "bool";
      case Long l -> "int";
      case Double d -> "float";
      case String s -> "str";
      case Tuple t -> "tuple";
      case List<?> l -> "list";
      case Map<?, ?> m -> "dict";
      case Undefined u -> "Undefined";
      case Namespace n -> "Namespace";
      case Loop l -> "LoopContext";
      case Generator g -> "generator";
      default -> "function";
    };
  }

  static boolean isNumber(Object v) {
    return v instanceof Long || v instanceof Double || v instanceof Boolean;
  }

  /** An int (bool counts as 0/1, as in Python); fails for anything else. */
  static long toLong(Object v, String what) {
    return switch (v) {
      case Long l -> l;
      case Boolean b -> b ? 1 : 0;
      case null, default -> throw new EvalError(what + " must be an integer, not " + typeName(v));
    };
  }

  static double toDouble(Object v) {
    return switch (v) {
      case Long l -> l;
      case Double d -> d;
      case Boolean b -> b ? 1 : 0;
      case null, default -> throw new EvalError("expected a number, not " + typeName(v));
    };
  }

  /** Python's {@code ==}. */
  static boolean equal(Object a, Object b) {
    if (isNumber(a) && isNumber(b)) {
      return a instanceof Double || b instanceof Double
          ? toDouble(a) == toDouble(b)
          : toLong(a, "") == toLong(b, "");
    }
    if (a instanceof List<?> x && b instanceof List<?> y) {
      if (x.size() != y.size() || (x instanceof Tuple) != (y instanceof Tuple)) {
        return false;
      }
      for (int i = 0; i < x.size(); i++) {
        if (!equal(x.get(i), y.get(i))) {
          return false;
        }
      }
      return true;
    }
    if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
      if (x.size() != y.size()) {
        return false;
      }
      for (Map.Entry<?, ?> e : x.entrySet()) {
        if (!y.containsKey(e.getKey()) || !equal(e.getValue(), y.get(e.getKey()))) {
          return false;
        }
      }
      return true;
    }
    if (a instanceof Undefined || b instanceof Undefined) {
      return a instanceof Undefined && b instanceof Undefined;
    }
    return a == null ? b == null : a.equals(b);
  }

  /** Python's ordering of numbers, strings and lists; fails for other pairs. */
  static int compare(Object a, Object b) {
    if (isNumber(a) && isNumber(b)) {
      return a instanceof Double || b instanceof Double
          ? Double.compare(toDouble(a), toDouble(b))
          : Long.compare(toLong(a, ""), toLong(b, ""));
    }
    if (a instanceof String x && b instanceof String y) {
      return Integer.signum(x.compareTo(y));
    }
    if (a instanceof List<?> x && b instanceof List<?> y) {
      for (int i = 0; i < Math.min(x.size(), y.size()); i++) {
        if (!equal(x.get(i), y.get(i))) {
          return compare(x.get(i), y.get(i));
        }
      }
      return Integer.compare(x.size(), y.size());
    }
    throw new EvalError(
        "'<' not supported between instances of '" + typeName(a) + "' and '" + typeName(b) + "'");
  }

  /** Python's {@code in}: substring, list item or dict key. */
  static boolean contains(Object container, Object item) {
    return switch (container) {
      case String s -> {
        if (!(item instanceof String sub)) {
          throw new EvalError(
              "'in <string>' requires string as left operand, not " + typeName(item));
        }
        yield s.contains(sub);
      }
      case List<?> list -> list.stream().anyMatch(x -> equal(x, item));
      case Map<?, ?> map -> {
        Object key = hashable(item);
        yield map.keySet().stream().anyMatch(k -> equal(k, key));
      }
      case Generator g -> g.drain().stream().anyMatch(x -> equal(x, item));
      case Undefined u -> false;
      case null, default ->
          throw new EvalError("argument of type '" + typeName(container) + "' is not iterable");
    };
  }

  /** {@code key} if it can be a dict key; Python refuses lists and dicts. */
  static Object hashable(Object key) {
    if ((key instanceof List && !(key instanceof Tuple)) || key instanceof Map) {
      throw new EvalError("unhashable type: '" + typeName(key) + "'");
    }
    return key;
  }

  /** The items iterating {@code v} yields: list items, dict keys, string characters. */
  static List<Object> iterate(Object v) {
    return switch (v) {
      case List<?> list -> new ArrayList<>(list);
      case Map<?, ?> map -> new ArrayList<>(map.keySet());
      case Generator g -> new ArrayList<>(g.drain());
      case String s -> {
        List<Object> chars = new ArrayList<>();
        s.codePoints().forEach(c -> chars.add(Character.toString(c)));
        yield chars;
      }
      case Undefined u -> new ArrayList<>();
      case null, default -> throw new EvalError("'" + typeName(v) + "' object is not iterable");
    };
  }

  static long length(Object v) {
    return switch (v) {
      case String s -> s.codePointCount(0, s.length());
      case Collection<?> c -> c.size();
      case Map<?, ?> m -> m.size();
      case Undefined u -> 0;
      case null, default ->
          throw new EvalError("object of type '" + typeName(v) + "' has no len()");
    };
  }

  /** A tuple: an immutable list that prints with parentheses. */
  static final class Tuple extends AbstractList<Object> {
    private final List<Object> items;

    Tuple(List<Object> items) {
      this.items = Collections.unmodifiableList(new ArrayList<>(items));
    }

    @Override
    public Object get(int index) {
      return items.get(index);
    }

    @Override
    public int size() {
      return items.size();
    }
  }
}
