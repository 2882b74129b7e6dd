package dev.inference.nemotron.pod.tokenizer.jinja;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Attribute, item and slice access with Jinja's rules: {@code a.b} looks for an attribute (a
 * method) first, then an item; {@code a[b]} looks for an item first, then an attribute. Missing
 * ones are undefined rather than errors, except on an undefined value itself.
 */
final class Members {
  private static final Set<String> STRING_METHODS =
      Set.of(
          "startswith",
          "endswith",
          "split",
          "rsplit",
          "strip",
          "lstrip",
          "rstrip",
          "upper",
          "lower",
          "replace",
          "title",
          "capitalize",
          "find",
          "rfind",
          "count",
          "join",
          "splitlines",
          "isdigit",
          "isalpha",
          "isalnum",
          "isspace",
          "isupper",
          "islower");
  private static final Set<String> DICT_METHODS = Set.of("items", "keys", "values", "get");
  private static final Set<String> LIST_METHODS = Set.of("index", "count");
  private static final Set<String> MUTATING =
      Set.of(
          "append",
          "extend",
          "insert",
          "pop",
          "remove",
          "clear",
          "sort",
          "reverse",
          "update",
          "setdefault",
          "popitem");

  private Members() {}

  /** A method of a value, bound to it, for {@code value.name(...)}. */
  record BoundMethod(Object receiver, String name) implements Callable {
    @Override
    public Object call(List<Object> positional, Map<String, Object> named) {
      return Methods.call(receiver, name, positional, named);
    }
  }

  static Object attribute(Object object, String name) {
    switch (object) {
      case Undefined u -> throw u.error();
      case Namespace ns -> {
        return ns.attributes.containsKey(name)
            ? ns.attributes.get(name)
            : new Undefined("'Namespace' has no attribute '" + name + "'");
      }
      case Loop loop -> {
        return loop.attribute(name);
      }
      case null, default -> {}
    }
    if (hasMethod(object, name)) {
      return new BoundMethod(object, name);
    }
    if (MUTATING.contains(name) && (object instanceof List || object instanceof Map)) {
      throw new EvalError(
          "access to attribute '"
              + name
              + "' of '"
              + Values.typeName(object)
              + "' object is unsafe (templates cannot modify values)");
    }
    if (object instanceof Map<?, ?> map && map.containsKey(name)) {
      return map.get(name);
    }
    return new Undefined(
        "'" + Values.typeName(object) + "' object has no attribute '" + name + "'");
  }

  /** Jinja's {@code attr} filter: attributes only, never dict items. */
  static Object attributeOnly(Object object, String name) {
    if (object instanceof Map<?, ?> && !hasMethod(object, name)) {
      return new Undefined("'dict' object has no attribute '" + name + "'");
    }
    return attribute(object, name);
  }

  private static boolean hasMethod(Object object, String name) {
    return switch (object) {
      case String s -> STRING_METHODS.contains(name);
      case Map<?, ?> m -> DICT_METHODS.contains(name);
      case List<?> l -> LIST_METHODS.contains(name);
      case null, default -> false;
    };
  }

  static Object item(Object object, Object key) {
    switch (object) {
      case Undefined u -> throw u.error();
      case Map<?, ?> map -> {
        for (Map.Entry<?, ?> e : map.entrySet()) {
          if (Values.equal(e.getKey(), key)) {
            return e.getValue();
          }
        }
      }
      case List<?> list when key instanceof Long || key instanceof Boolean -> {
        long i = Values.toLong(key, "index");
        long at = i < 0 ? i + list.size() : i;
        if (at >= 0 && at < list.size()) {
          return list.get((int) at);
        }
        return new Undefined(Values.typeName(object) + " index " + i + " out of range");
      }
      case String s when key instanceof Long || key instanceof Boolean -> {
        int[] chars = s.codePoints().toArray();
        long i = Values.toLong(key, "index");
        long at = i < 0 ? i + chars.length : i;
        if (at >= 0 && at < chars.length) {
          return Character.toString(chars[(int) at]);
        }
        return new Undefined("string index " + i + " out of range");
      }
      case null, default -> {}
    }
    if (key instanceof String name) {
      return attribute(object, name);
    }
    return new Undefined(
        "'" + Values.typeName(object) + "' object has no item " + Values.repr(key));
  }

  /** Python's {@code sequence[start:stop:step]} for lists and strings; null bounds are absent. */
  static Object slice(Object sequence, Object start, Object stop, Object step) {
    if (sequence instanceof Undefined u) {
      throw u.error();
    }
    boolean isString = sequence instanceof String;
    List<Object> items;
    if (sequence instanceof List<?> list) {
      items = new ArrayList<>(list);
    } else if (isString) {
      items = Values.iterate(sequence);
    } else if (sequence instanceof Map) {
      throw new EvalError("unhashable type: 'slice'");
    } else {
      throw new EvalError("'" + Values.typeName(sequence) + "' object is not subscriptable");
    }
    long n = items.size();
    long by = step == null ? 1 : Values.toLong(step, "slice step");
    if (by == 0) {
      throw new EvalError("slice step cannot be zero");
    }
    long from = bound(start, n, by > 0 ? 0 : n - 1, by);
    long to = bound(stop, n, by > 0 ? n : -1, by);
    List<Object> out = new ArrayList<>();
    for (long i = from; by > 0 ? i < to : i > to; i += by) {
      out.add(items.get((int) i));
    }
    if (isString) {
      StringBuilder s = new StringBuilder();
      out.forEach(c -> s.append((String) c));
      return s.toString();
    }
    return sequence instanceof Values.Tuple ? new Values.Tuple(out) : out;
  }

  private static long bound(Object value, long n, long absent, long step) {
    if (value == null) {
      return absent;
    }
    long i = Values.toLong(value, "slice index");
    if (i < 0) {
      i += n;
      if (i < 0) {
        return step > 0 ? 0 : -1;
      }
    }
    if (i >= n) {
      return step > 0 ? n : n - 1;
    }
    return i;
  }
}
