package dev.inference.nemotron.pod.tokenizer.jinja;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The object {@code namespace(...)} returns: the one value whose attributes a {@code set} inside a
 * loop can change for the enclosing scope ({@code set ns.found = true}).
 */
final class Namespace {
  final Map<String, Object> attributes = new LinkedHashMap<>();

  @Override
  public String toString() {
    StringBuilder out = new StringBuilder("<Namespace {");
    attributes.forEach(
        (k, v) ->
            out.append(out.length() > 12 ? ", " : "")
                .append(Python.repr(k))
                .append(": ")
                .append(Values.repr(v)));
    return out.append("}>").toString();
  }
}
