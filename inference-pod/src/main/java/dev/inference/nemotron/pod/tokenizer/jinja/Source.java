package dev.inference.nemotron.pod.tokenizer.jinja;

/**
 * The text of a template after Jinja's newline normalization, with its name, to turn character
 * offsets into line and column numbers for error messages.
 */
record Source(String name, String text) {

  /**
   * Normalizes {@code raw} as Jinja's lexer does: {@code \r\n} and {@code \r} become {@code \n},
   * and one trailing newline is dropped ({@code keep_trailing_newline=False}).
   */
  static Source of(String name, String raw) {
    String text = raw.replace("\r\n", "\n").replace('\r', '\n');
    if (text.endsWith("\n")) {
      text = text.substring(0, text.length() - 1);
    }
    return new Source(name, text);
  }

  TemplateException error(int offset, String message) {
    return new TemplateException(name, line(offset), column(offset), message);
  }

  RaisedByTemplateException raised(int offset, String reason) {
    return new RaisedByTemplateException(name, line(offset), column(offset), reason);
  }

  private int line(int offset) {
    int line = 1;
    for (int i = 0; i < Math.min(offset, text.length()); i++) {
      if (text.charAt(i) == '\n') {
        line++;
      }
    }
    return line;
  }

  private int column(int offset) {
    int clamped = Math.min(offset, text.length());
    return clamped - text.lastIndexOf('\n', clamped - 1);
  }
}
