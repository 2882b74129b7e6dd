package dev.inference.nemotron.pod.tokenizer.jinja;

/**
 * Jinja's default {@code Undefined}: a missing variable, attribute or item. It prints as nothing,
 * is false, iterates as empty and has length 0; arithmetic, attribute access and calls on it fail
 * naming what was missing.
 *
 * @param description what was looked up, e.g. {@code 'foo' is undefined}
 */
record Undefined(String description) {
  static Undefined variable(String name) {
    return new Undefined("'" + name + "' is undefined");
  }

  EvalError error() {
    return new EvalError(description);
  }
}
