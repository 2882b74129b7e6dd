package dev.inference.nemotron.pod.tokenizer.jinja;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The Jinja filters chat templates use, with Hugging Face's {@code tojson}. */
final class Filters {
  private Filters() {}

  /** One application of a filter: its name, the value it filters, and its arguments. */
  record Call(String name, Object value, List<Object> positional, Map<String, Object> named) {
    Object arg(int index, String keyword, Object fallback) {
      if (index < positional.size()) {
        return positional.get(index);
      }
      return named.containsKey(keyword) ? named.get(keyword) : fallback;
    }

    String str() {
      return Values.str(value);
    }
  }

  static Object apply(Call c) {
    Object v = c.value();
    return switch (c.name()) {
      case "trim" -> {
        Object chars = c.arg(0, "chars", null);
        yield Python.strip(c.str(), chars == null ? null : Values.str(chars), true, true);
      }
      case "tojson" -> tojson(c);
      case "length", "count" -> Values.length(v);
      case "upper" -> c.str().toUpperCase(Locale.ROOT);
      case "lower" -> c.str().toLowerCase(Locale.ROOT);
      case "capitalize" -> capitalize(c.str());
      case "title" -> title(c.str());
      case "string" -> c.str();
      case "safe" -> v;
      case "default", "d" -> {
        boolean useWhenFalse = Values.truthy(c.arg(1, "boolean", false));
        boolean missing = v instanceof Undefined || (useWhenFalse && !Values.truthy(v));
        yield missing ? c.arg(0, "default_value", "") : v;
      }
      case "join" -> {
        String separator = Values.str(c.arg(0, "d", ""));
        Object attribute = c.arg(1, "attribute", null);
        List<String> parts = new ArrayList<>();
        for (Object item : Values.iterate(v)) {
          parts.add(Values.str(attribute == null ? item : path(item, attribute)));
        }
        yield String.join(separator, parts);
      }
      case "first" -> {
        List<Object> items = Values.iterate(v);
        yield items.isEmpty()
            ? new Undefined("no first item, sequence was empty")
            : items.getFirst();
      }
      case "last" -> {
        List<Object> items = Values.iterate(v);
        yield items.isEmpty() ? new Undefined("no last item, sequence was empty") : items.getLast();
      }
      case "list" -> Values.iterate(v);
      case "reverse" -> {
        if (v instanceof String s) {
          yield new StringBuilder(s).reverse().toString();
        }
        // jinja2 returns reversed(value), an iterator, where Python can reverse the value
        List<Object> reversed = Values.iterate(v).reversed();
        yield v instanceof Generator ? reversed : new Generator(() -> reversed);
      }
      case "replace" ->
          replace(
              c.str(),
              Values.str(c.arg(0, "old", "")),
              Values.str(c.arg(1, "new", "")),
              Values.toLong(c.arg(2, "count", -1L), "count"));
      case "items" -> new Generator(() -> items(v));
      case "sort" -> sort(c);
      case "dictsort" -> dictsort(c);
      case "unique" -> new Generator(() -> unique(c));
      case "int" -> toInt(defined(v), c.arg(0, "default", 0L));
      case "float" -> toFloat(defined(v), c.arg(0, "default", 0.0));
      case "abs" ->
          v instanceof Double d ? (Object) Math.abs(d) : (Object) Math.abs(Values.toLong(v, "abs"));
      case "sum" -> {
        Object total = c.arg(1, "start", 0L);
        Object attribute = c.arg(0, "attribute", null);
        for (Object item : Values.iterate(v)) {
          total = Operators.binary("+", total, attribute == null ? item : path(item, attribute));
        }
        yield total;
      }
      case "min", "max" -> {
        List<Object> items = Values.iterate(v);
        if (items.isEmpty()) {
          yield new Undefined("no " + c.name() + " item, sequence was empty");
        }
        Comparator<Object> order = (a, b) -> Values.compare(sortKey(a, c), sortKey(b, c));
        yield c.name().equals("min")
            ? items.stream().min(order).get()
            : items.stream().max(order).get();
      }
      case "indent" -> indent(c);
      case "escape", "e" -> escape(c.str());
      case "attr" -> Members.attributeOnly(v, Values.str(c.arg(0, "name", "")));
      default -> throw new EvalError("no filter named '" + c.name() + "'");
    };
  }

  private static List<Object> items(Object v) {
    if (v instanceof Undefined) {
      return List.of();
    }
    if (!(v instanceof Map<?, ?>)) {
      throw new EvalError("can only get item pairs from a mapping, not " + Values.typeName(v));
    }
    return Values.iterate(Methods.call(v, "items", List.of(), Map.of()));
  }

  private static List<Object> unique(Call c) {
    List<Object> out = new ArrayList<>();
    for (Object item : Values.iterate(c.value())) {
      if (out.stream().noneMatch(seen -> Values.equal(sortKey(seen, c), sortKey(item, c)))) {
        out.add(item);
      }
    }
    return out;
  }

  private static Object tojson(Call c) {
    Object indent = c.arg(0, "indent", null);
    String indentText =
        switch (indent) {
          case null -> null;
          case String s -> s;
          default -> " ".repeat((int) Math.max(0, Values.toLong(indent, "indent")));
        };
    Object separators = c.named().get("separators");
    String item = null;
    String key = null;
    if (separators instanceof List<?> pair && pair.size() == 2) {
      item = Values.str(pair.get(0));
      key = Values.str(pair.get(1));
    } else if (separators != null) {
      throw new EvalError("tojson separators must be a pair of strings");
    }
    boolean sortKeys = Values.truthy(c.named().getOrDefault("sort_keys", false));
    return new JsonText(indentText, item, key, sortKeys).dumps(c.value());
  }

  /**
   * An attribute path such as {@code "function.name"} or an item index, as Jinja's filters take.
   */
  static Object path(Object item, Object attribute) {
    if (attribute instanceof Long) {
      return Members.item(item, attribute);
    }
    Object v = item;
    for (String part : Values.str(attribute).split("\\.")) {
      v =
          part.chars().allMatch(Character::isDigit)
              ? Members.item(v, Long.parseLong(part))
              : Members.item(v, part);
    }
    return v;
  }

  private static Object sortKey(Object item, Call c) {
    Object attribute = c.arg(c.name().equals("sort") ? 2 : 1, "attribute", null);
    Object key = attribute == null ? item : path(item, attribute);
    boolean caseSensitive =
        Values.truthy(c.arg(c.name().equals("sort") ? 1 : 0, "case_sensitive", false));
    return !caseSensitive && key instanceof String s ? s.toLowerCase(Locale.ROOT) : key;
  }

  private static Object sort(Call c) {
    List<Object> items = new ArrayList<>(Values.iterate(c.value()));
    Comparator<Object> order = (a, b) -> Values.compare(sortKey(a, c), sortKey(b, c));
    items.sort(Values.truthy(c.arg(0, "reverse", false)) ? order.reversed() : order);
    return items;
  }

  /** Jinja's {@code dictsort(case_sensitive=False, by='key', reverse=False)}: sorted pairs. */
  private static Object dictsort(Call c) {
    if (!(c.value() instanceof Map<?, ?>)) {
      throw new EvalError("dictsort needs a mapping, not " + Values.typeName(c.value()));
    }
    boolean caseSensitive = Values.truthy(c.arg(0, "case_sensitive", false));
    String by = Values.str(c.arg(1, "by", "key"));
    if (!by.equals("key") && !by.equals("value")) {
      throw new EvalError("dictsort can sort by 'key' or 'value', not '" + by + "'");
    }
    int part = by.equals("key") ? 0 : 1;
    List<Object> pairs =
        new ArrayList<>(Values.iterate(Methods.call(c.value(), "items", List.of(), Map.of())));
    Comparator<Object> order =
        (a, b) -> {
          Object x = ((List<?>) a).get(part);
          Object y = ((List<?>) b).get(part);
          if (!caseSensitive && x instanceof String s && y instanceof String t) {
            return Values.compare(s.toLowerCase(Locale.ROOT), t.toLowerCase(Locale.ROOT));
          }
          return Values.compare(x, y);
        };
    pairs.sort(Values.truthy(c.arg(2, "reverse", false)) ? order.reversed() : order);
    return pairs;
  }

  static String replace(String s, String old, String replacement, long count) {
    if (count < 0) {
      return s.replace(old, replacement);
    }
    StringBuilder out = new StringBuilder();
    int from = 0;
    for (long n = 0; n < count; n++) {
      int at = old.isEmpty() ? (n == 0 ? 0 : -1) : s.indexOf(old, from);
      if (at < 0) {
        break;
      }
      out.append(s, from, at).append(replacement);
      from = at + old.length();
    }
    return out.append(s.substring(from)).toString();
  }

  static String capitalize(String s) {
    return s.isEmpty()
        ? s
        : s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1).toLowerCase(Locale.ROOT);
  }

  /** Jinja's {@code title}: each word (after whitespace or one of {@code -([{<}) capitalized. */
  static String title(String s) {
    StringBuilder out = new StringBuilder();
    boolean start = true;
    for (char ch : s.toCharArray()) {
      out.append(start ? Character.toUpperCase(ch) : Character.toLowerCase(ch));
      start = Python.isSpace(ch) || "-([{<".indexOf(ch) >= 0;
    }
    return out.toString();
  }

  private static Object toInt(Object v, Object fallback) {
    return switch (v) {
      case Long l -> l;
      case Boolean b -> b ? 1L : 0L;
      case Double d -> (long) d.doubleValue();
      case String s -> {
        try {
          yield Long.parseLong(s.strip().replace("_", ""));
        } catch (NumberFormatException e) {
          try {
            yield (long) Double.parseDouble(s.strip());
          } catch (NumberFormatException e2) {
            yield fallback;
          }
        }
      }
      case null, default -> fallback;
    };
  }

  private static Object toFloat(Object v, Object fallback) {
    try {
      return v instanceof String s ? Double.parseDouble(s.strip()) : Values.toDouble(v);
    } catch (NumberFormatException | EvalError e) {
      return fallback;
    }
  }

  private static Object defined(Object v) {
    if (v instanceof Undefined u) {
      throw u.error();
    }
    return v;
  }

  private static String indent(Call c) {
    if (!(c.value() instanceof String)) {
      throw new EvalError("indent needs a string, not " + Values.typeName(c.value()));
    }
    Object width = c.arg(0, "width", 4L);
    String pad = width instanceof String s ? s : " ".repeat((int) Values.toLong(width, "width"));
    boolean first = Values.truthy(c.arg(1, "first", false));
    boolean blank = Values.truthy(c.arg(2, "blank", false));
    String[] lines = c.str().split("\n", -1);
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < lines.length; i++) {
      boolean indentThis = i == 0 ? first : blank || !lines[i].isEmpty();
      out.append(i > 0 ? "\n" : "").append(indentThis ? pad : "").append(lines[i]);
    }
    return out.toString();
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&#34;")
        .replace("'", "&#39;");
  }
}
