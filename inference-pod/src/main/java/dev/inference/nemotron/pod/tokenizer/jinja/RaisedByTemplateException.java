package dev.inference.nemotron.pod.tokenizer.jinja;

/**
 * The template itself refused the input by calling {@code raise_exception(message)}, the global
 * that Hugging Face provides to chat templates (e.g. "Conversation roles must alternate
 * user/assistant"). This is a problem of the rendered variables, not of the template.
 */
public final class RaisedByTemplateException extends TemplateException {
  private final String reason;

  RaisedByTemplateException(String templateName, int line, int column, String reason) {
    super(templateName, line, column, "the template raised an exception: " + reason);
    this.reason = reason;
  }

  /** The message the template passed to {@code raise_exception}. */
  public String reason() {
    return reason;
  }
}
