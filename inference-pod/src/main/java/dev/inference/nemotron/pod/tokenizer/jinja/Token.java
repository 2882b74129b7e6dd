package dev.inference.nemotron.pod.tokenizer.jinja;

/**
 * One lexical token of a template.
 *
 * @param kind what the token is
 * @param text the text (for {@link Kind#STRING} the unescaped value)
 * @param offset where the token starts in the normalized source
 */
record Token(Kind kind, String text, int offset) {

  enum Kind {
    TEXT,
    VARIABLE_BEGIN,
    VARIABLE_END,
    BLOCK_BEGIN,
    BLOCK_END,
    NAME,
    STRING,
    INTEGER,
    FLOAT,
    OPERATOR,
    END
  }

  boolean is(Kind k, String value) {
    return kind == k && text.equals(value);
  }

  boolean isOperator(String value) {
    return is(Kind.OPERATOR, value);
  }

  boolean isName(String value) {
    return is(Kind.NAME, value);
  }
}
