package dev.inference.nemotron.pod.tokenizer.jinja;

/**
 * A Jinja template that cannot be parsed or rendered. The message names the template (usually a
 * file and field), the 1-based line and column, and what went wrong.
 */
public class TemplateException extends RuntimeException {
  private final String templateName;
  private final int line;
  private final int column;

  TemplateException(String templateName, int line, int column, String message) {
    super(templateName + " line " + line + " column " + column + ": " + message);
    this.templateName = templateName;
    this.line = line;
    this.column = column;
  }

  /**
   * The name the template was parsed with, e.g. {@code .../tokenizer_config.json chat_template}.
   */
  public String templateName() {
    return templateName;
  }

  /** The 1-based line of the template where the problem was found. */
  public int line() {
    return line;
  }

  /** The 1-based column of the template where the problem was found. */
  public int column() {
    return column;
  }
}
