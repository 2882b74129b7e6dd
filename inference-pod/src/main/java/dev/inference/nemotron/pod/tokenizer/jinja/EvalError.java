package dev.inference.nemotron.pod.tokenizer.jinja;

/**
 * A failure while evaluating an expression (a Python TypeError, an undefined value used in
 * arithmetic...). The evaluator turns it into a {@link TemplateException} with the position of the
 * innermost expression that failed.
 */
class EvalError extends RuntimeException {
  EvalError(String message) {
    super(message, null, false, false);
  }
}
