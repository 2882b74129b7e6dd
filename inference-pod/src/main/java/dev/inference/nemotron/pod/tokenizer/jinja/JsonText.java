package dev.inference.nemotron.pod.tokenizer.jinja;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Python's {@code json.dumps} as Hugging Face's {@code tojson} filter calls it: {@code
 * ensure_ascii=False}, default separators {@code ", "} and {@code ": "} ({@code ","} between items
 * when indenting), optional indent and key sorting.
 */
final class JsonText {
  private final String indent;
  private final String itemSeparator;
  private final String keySeparator;
  private final boolean sortKeys;

  JsonText(String indent, String itemSeparator, String keySeparator, boolean sortKeys) {
    this.indent = indent;
    this.itemSeparator = itemSeparator != null ? itemSeparator : indent != null ? "," : ", ";
    this.keySeparator = keySeparator != null ? keySeparator : ": ";
    this.sortKeys = sortKeys;
  }

  String dumps(Object value) {
    StringBuilder out = new StringBuilder();
    write(value, out, 0);
    return out.toString();
  }

  private void write(Object value, StringBuilder out, int depth) {
    switch (value) {
      case null -> out.append("null");
      case Boolean b -> out.append(b ? "true" : "false");
      case Long l -> out.append(l);
      case Double d -> out.append(number(d));
      case String s -> string(s, out);
      case List<?> list -> {
        if (list.isEmpty()) {
          out.append("[]");
          return;
        }
        out.append('[');
        for (int i = 0; i < list.size(); i++) {
          out.append(i > 0 ? itemSeparator : "");
          newline(out, depth + 1);
          write(list.get(i), out, depth + 1);
        }
        newline(out, depth);
        out.append(']');
      }
      case Map<?, ?> map -> {
        if (map.isEmpty()) {
          out.append("{}");
          return;
        }
        List<Map.Entry<String, Object>> entries = new ArrayList<>();
        map.forEach((k, v) -> entries.add(Map.entry(key(k), v == null ? Null.NULL : v)));
        if (sortKeys) {
          entries.sort(Map.Entry.comparingByKey());
        }
        out.append('{');
        for (int i = 0; i < entries.size(); i++) {
          out.append(i > 0 ? itemSeparator : "");
          newline(out, depth + 1);
          string(entries.get(i).getKey(), out);
          out.append(keySeparator);
          Object v = entries.get(i).getValue();
          write(v == Null.NULL ? null : v, out, depth + 1);
        }
        newline(out, depth);
        out.append('}');
      }
      default ->
          throw new EvalError(
              "Object of type " + Values.typeName(value) + " is not JSON serializable");
    }
  }

  /** Map.entry rejects null values; this stands for a JSON null inside the entry list. */
  private enum Null {
    NULL
  }

  private static String number(double d) {
    if (Double.isNaN(d)) {
      return "NaN";
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? "Infinity" : "-Infinity";
    }
    return Python.repr(d);
  }

  private static String key(Object k) {
    return switch (k) {
      case String s -> s;
      case null -> "null";
      case Boolean b -> b ? "true" : "false";
      case Long l -> l.toString();
      case Double d -> number(d);
      default ->
          throw new EvalError(
              "keys must be str, int, float, bool or None, not " + Values.typeName(k));
    };
  }

  private void newline(StringBuilder out, int depth) {
    if (indent != null) {
      out.append('\n').append(indent.repeat(depth));
    }
  }

  private static void string(String s, StringBuilder out) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
