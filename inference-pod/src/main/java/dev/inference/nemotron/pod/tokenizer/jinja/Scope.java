package dev.inference.nemotron.pod.tokenizer.jinja;

import java.util.HashMap;
import java.util.Map;

/**
 * Variables visible at one point of rendering. A {@code for} iteration and a macro call open a
 * child scope, so their {@code set}s do not leak out, as in Jinja; {@code if} does not.
 */
final class Scope {
  private final Scope parent;
  private final Map<String, Object> variables = new HashMap<>();

  Scope(Scope parent) {
    this.parent = parent;
  }

  Object get(String name) {
    for (Scope s = this; s != null; s = s.parent) {
      if (s.variables.containsKey(name)) {
        return s.variables.get(name);
      }
    }
    return Undefined.variable(name);
  }

  void set(String name, Object value) {
    variables.put(name, value);
  }
}
