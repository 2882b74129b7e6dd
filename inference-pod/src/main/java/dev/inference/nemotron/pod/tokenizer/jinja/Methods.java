package dev.inference.nemotron.pod.tokenizer.jinja;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The read-only Python methods of {@code str}, {@code dict} and {@code list} templates call. */
final class Methods {
  private Methods() {}

  static Object call(Object receiver, String name, List<Object> args, Map<String, Object> named) {
    Arguments a = new Arguments(name, args, named);
    return switch (receiver) {
      case String s -> string(s, name, a);
      case Map<?, ?> m -> dict(m, name, a);
      case List<?> l -> list(l, name, a);
      case null, default ->
          throw new EvalError("'" + Values.typeName(receiver) + "' has no method " + name);
    };
  }

  private static Object string(String s, String name, Arguments a) {
    return switch (name) {
      case "startswith", "endswith" -> {
        Object prefixes = a.get(0, "prefix", Arguments.REQUIRED);
        a.done(1);
        List<?> options = prefixes instanceof List<?> l ? l : List.of(prefixes);
        for (Object o : options) {
          String p = a.string(o, "prefix");
          if (name.equals("startswith") ? s.startsWith(p) : s.endsWith(p)) {
            yield true;
          }
        }
        yield false;
      }
      case "split", "rsplit" -> {
        Object sep = a.get(0, "sep", null);
        long max = Values.toLong(a.get(1, "maxsplit", -1L), "maxsplit");
        a.done(2);
        if (name.equals("rsplit") && max >= 0) {
          throw new EvalError("rsplit with maxsplit is not supported");
        }
        yield Python.split(s, sep == null ? null : a.string(sep, "sep"), max);
      }
      case "strip", "lstrip", "rstrip" -> {
        Object chars = a.get(0, "chars", null);
        a.done(1);
        String set = chars == null ? null : a.string(chars, "chars");
        yield Python.strip(s, set, !name.equals("rstrip"), !name.equals("lstrip"));
      }
      case "upper" -> a.none(s.toUpperCase(java.util.Locale.ROOT));
      case "lower" -> a.none(s.toLowerCase(java.util.Locale.ROOT));
      case "title" -> a.none(pythonTitle(s));
      case "capitalize" -> a.none(Filters.capitalize(s));
      case "replace" -> {
        String old = a.string(a.get(0, "old", Arguments.REQUIRED), "old");
        String replacement = a.string(a.get(1, "new", Arguments.REQUIRED), "new");
        long count = Values.toLong(a.get(2, "count", -1L), "count");
        a.done(3);
        yield Filters.replace(s, old, replacement, count);
      }
      case "find", "rfind", "count" -> {
        String sub = a.string(a.get(0, "sub", Arguments.REQUIRED), "sub");
        a.done(1);
        yield switch (name) {
          case "find" -> codePointIndex(s, s.indexOf(sub));
          case "rfind" -> codePointIndex(s, s.lastIndexOf(sub));
          default -> (long) (Python.split(s, sub, -1).size() - 1);
        };
      }
      case "join" -> {
        List<Object> items = Values.iterate(a.get(0, "iterable", Arguments.REQUIRED));
        a.done(1);
        List<String> parts = new ArrayList<>();
        items.forEach(i -> parts.add(a.string(i, "sequence item")));
        yield String.join(s, parts);
      }
      case "splitlines" -> {
        a.done(0);
        List<Object> lines = new ArrayList<>(List.of(s.split("\r\n|\r|\n", -1)));
        if (!lines.isEmpty() && lines.getLast().equals("")) {
          lines.removeLast();
        }
        yield lines;
      }
      case "isdigit" -> a.none(!s.isEmpty() && s.chars().allMatch(Character::isDigit));
      case "isalpha" -> a.none(!s.isEmpty() && s.chars().allMatch(Character::isLetter));
      case "isalnum" -> a.none(!s.isEmpty() && s.chars().allMatch(Character::isLetterOrDigit));
      case "isspace" -> a.none(!s.isEmpty() && s.chars().allMatch(c -> Python.isSpace((char) c)));
      case "isupper" -> a.none(!s.equals(s.toLowerCase()) && s.equals(s.toUpperCase()));
      case "islower" -> a.none(!s.equals(s.toUpperCase()) && s.equals(s.toLowerCase()));
      default -> throw new EvalError("'str' object has no method " + name);
    };
  }

  /** Python's {@code str.title}: a letter after a non-letter is upper-cased, others lowered. */
  private static String pythonTitle(String s) {
    StringBuilder out = new StringBuilder();
    boolean afterLetter = false;
    for (char ch : s.toCharArray()) {
      out.append(afterLetter ? Character.toLowerCase(ch) : Character.toUpperCase(ch));
      afterLetter = Character.isLetter(ch);
    }
    return out.toString();
  }

  /** Python indexes strings by code point, Java by UTF-16 unit. */
  private static long codePointIndex(String s, int index) {
    return index < 0 ? -1 : s.codePointCount(0, index);
  }

  private static Object dict(Map<?, ?> m, String name, Arguments a) {
    return switch (name) {
      case "items" -> {
        a.done(0);
        List<Object> items = new ArrayList<>();
        m.forEach((k, v) -> items.add(new Values.Tuple(java.util.Arrays.asList(k, v))));
        yield items;
      }
      case "keys" -> a.none(new ArrayList<Object>(m.keySet()));
      case "values" -> a.none(new ArrayList<Object>(m.values()));
      case "get" -> {
        Object key = a.get(0, "key", Arguments.REQUIRED);
        Object fallback = a.get(1, "default", null);
        a.done(2);
        for (Map.Entry<?, ?> e : m.entrySet()) {
          if (Values.equal(e.getKey(), key)) {
            yield e.getValue();
          }
        }
        yield fallback;
      }
      default -> throw new EvalError("'dict' object has no method " + name);
    };
  }

  private static Object list(List<?> l, String name, Arguments a) {
    Object item = a.get(0, "value", Arguments.REQUIRED);
    a.done(1);
    if (name.equals("count")) {
      return l.stream().filter(x -> Values.equal(x, item)).count();
    }
    for (int i = 0; i < l.size(); i++) {
      if (Values.equal(l.get(i), item)) {
        return (long) i;
      }
    }
    throw new EvalError(Values.repr(item) + " is not in list");
  }

  /** The arguments of one method call, read by position or keyword. */
  private record Arguments(String method, List<Object> positional, Map<String, Object> named) {
    static final Object REQUIRED = new Object();

    Object get(int index, String keyword, Object fallback) {
      if (index < positional.size()) {
        return positional.get(index);
      }
      if (named.containsKey(keyword)) {
        return named.get(keyword);
      }
      if (fallback == REQUIRED) {
        throw new EvalError(method + "() missing required argument '" + keyword + "'");
      }
      return fallback;
    }

    void done(int accepted) {
      if (positional.size() > accepted) {
        throw new EvalError(
            method
                + "() takes at most "
                + accepted
                + " arguments ("
                + positional.size()
                + " given)");
      }
    }

    Object none(Object result) {
      done(0);
      return result;
    }

    String string(Object value, String what) {
      if (value instanceof String s) {
        return s;
      }
      throw new EvalError(method + "() " + what + " must be str, not " + Values.typeName(value));
    }
  }
}
