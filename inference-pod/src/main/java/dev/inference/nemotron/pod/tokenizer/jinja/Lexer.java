package dev.inference.nemotron.pod.tokenizer.jinja;

import dev.inference.nemotron.pod.tokenizer.jinja.Token.Kind;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a template into text and tag tokens with the whitespace rules of the Hugging Face chat
 * environment: {@code trim_blocks} (a newline right after a block or comment tag is dropped),
 * {@code lstrip_blocks} (spaces and tabs before a block or comment tag at the start of a line are
 * dropped), and the explicit {@code -} (strip all whitespace) and {@code +} (keep it) markers.
 */
final class Lexer {
  private static final String[] OPERATORS = {
    "//", "**", "==", "!=", "<=", ">=", "+", "-", "/", "*", "%", "~", "[", "]", "(", ")", "{", "}",
    "<", ">", "=", ".", ":", "|", ",", ";"
  };

  private final Source source;
  private final String text;
  private final List<Token> tokens = new ArrayList<>();
  private int pos;
  private boolean lineStarting = true;

  private Lexer(Source source) {
    this.source = source;
    this.text = source.text();
  }

  static List<Token> tokenize(Source source) {
    Lexer lexer = new Lexer(source);
    lexer.run();
    return lexer.tokens;
  }

  private void run() {
    while (pos < text.length()) {
      int start = nextTagStart(pos);
      if (start < 0) {
        tokens.add(new Token(Kind.TEXT, text.substring(pos), pos));
        break;
      }
      char kind = text.charAt(start + 1);
      char sign = start + 2 < text.length() ? text.charAt(start + 2) : ' ';
      String data = beforeTag(text.substring(pos, start), sign, kind == '{');
      if (!data.isEmpty()) {
        tokens.add(new Token(Kind.TEXT, data, pos));
      }
      pos = start + 2 + (sign == '-' || sign == '+' ? 1 : 0);
      if (kind == '#') {
        comment(start);
      } else if (kind == '%' && rawBegins()) {
        raw(start);
      } else {
        tag(start, kind == '{');
      }
    }
    tokens.add(new Token(Kind.END, "", text.length()));
  }

  /** The text before a tag, with the tag's {@code -} or lstrip_blocks applied. */
  private String beforeTag(String data, char sign, boolean variable) {
    if (sign == '-') {
      return Python.rstrip(data);
    }
    if (sign != '+' && !variable) {
      int lineStart = data.lastIndexOf('\n') + 1;
      if ((lineStart > 0 || lineStarting) && isBlank(data, lineStart)) {
        return data.substring(0, lineStart);
      }
    }
    return data;
  }

  /** At {@code raw %}} (after the {@code {%}): consumes it and returns true. */
  private boolean rawBegins() {
    int i = skipSpace(pos);
    if (!at(i, "raw")) {
      return false;
    }
    i = skipSpace(i + 3);
    if (at(i, "-%}")) {
      pos = skipSpace(i + 3);
    } else if (at(i, "%}")) {
      pos = i + 2;
    } else {
      return false;
    }
    lineStarting = text.charAt(pos - 1) == '\n';
    return true;
  }

  /** The text of a {@code raw} block, up to and including its {@code endraw} tag, as is. */
  private void raw(int start) {
    for (int tag = text.indexOf("{%", pos); tag >= 0; tag = text.indexOf("{%", tag + 2)) {
      char sign = tag + 2 < text.length() ? text.charAt(tag + 2) : ' ';
      int i = skipSpace(tag + 2 + (sign == '-' || sign == '+' ? 1 : 0));
      if (!at(i, "endraw")) {
        continue;
      }
      i = skipSpace(i + 6);
      char endSign = text.charAt(Math.min(i, text.length() - 1));
      int end = endSign == '-' || endSign == '+' ? i + 1 : i;
      if (!at(end, "%}")) {
        continue;
      }
      String data = beforeTag(text.substring(pos, tag), sign, false);
      if (!data.isEmpty()) {
        tokens.add(new Token(Kind.TEXT, data, pos));
      }
      pos = end + 2;
      afterTagEnd(end > i ? endSign : ' ', true);
      return;
    }
    throw source.error(start, "missing '{% endraw %}' for this raw block");
  }

  private int skipSpace(int from) {
    int i = from;
    while (i < text.length() && Python.isSpace(text.charAt(i))) {
      i++;
    }
    return i;
  }

  private int nextTagStart(int from) {
    for (int i = text.indexOf('{', from); i >= 0; i = text.indexOf('{', i + 1)) {
      if (i + 1 < text.length() && "{%#".indexOf(text.charAt(i + 1)) >= 0) {
        return i;
      }
    }
    return -1;
  }

  /** Whether {@code s} from {@code from} is non-empty and all whitespace (Jinja's {@code \s+}). */
  private static boolean isBlank(String s, int from) {
    if (from >= s.length()) {
      return false;
    }
    for (int i = from; i < s.length(); i++) {
      if (!Python.isSpace(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  private void comment(int start) {
    int end = text.indexOf("#}", pos);
    if (end < 0) {
      throw source.error(start, "missing end of comment tag '#}'");
    }
    char before = end > pos ? text.charAt(end - 1) : ' ';
    pos = end + 2;
    afterTagEnd(before, true);
  }

  private void tag(int start, boolean variable) {
    tokens.add(new Token(variable ? Kind.VARIABLE_BEGIN : Kind.BLOCK_BEGIN, "", start));
    String end = variable ? "}}" : "%}";
    int depth = 0;
    while (true) {
      skipSpace();
      if (pos >= text.length()) {
        throw source.error(start, "missing end of tag '" + end + "'");
      }
      if (depth == 0) {
        char marker = text.charAt(pos);
        boolean signed = (marker == '-' || (marker == '+' && !variable)) && at(pos + 1, end);
        if (signed || at(pos, end)) {
          tokens.add(new Token(variable ? Kind.VARIABLE_END : Kind.BLOCK_END, "", pos));
          pos += end.length() + (signed ? 1 : 0);
          afterTagEnd(signed ? marker : ' ', !variable);
          return;
        }
      }
      Token token = expressionToken();
      if (token.isOperator("(") || token.isOperator("[") || token.isOperator("{")) {
        depth++;
      } else if (token.isOperator(")") || token.isOperator("]") || token.isOperator("}")) {
        if (depth == 0) {
          throw source.error(token.offset(), "unexpected '" + token.text() + "'");
        }
        depth--;
      }
      tokens.add(token);
    }
  }

  /** Applies {@code -} (strip following whitespace) or trim_blocks (drop one newline). */
  private void afterTagEnd(char sign, boolean block) {
    int from = pos;
    if (sign == '-') {
      while (pos < text.length() && Python.isSpace(text.charAt(pos))) {
        pos++;
      }
    } else if (sign != '+' && block && pos < text.length() && text.charAt(pos) == '\n') {
      pos++;
    }
    lineStarting = pos > from && text.charAt(pos - 1) == '\n';
  }

  private boolean at(int i, String s) {
    return text.startsWith(s, i);
  }

  private void skipSpace() {
    pos = skipSpace(pos);
  }

  private Token expressionToken() {
    int start = pos;
    char c = text.charAt(pos);
    if (Character.isLetter(c) || c == '_') {
      while (pos < text.length() && isNamePart(text.charAt(pos))) {
        pos++;
      }
      return new Token(Kind.NAME, text.substring(start, pos), start);
    }
    if (Character.isDigit(c)) {
      return number(start);
    }
    if (c == '\'' || c == '"') {
      return string(start, c);
    }
    for (String op : OPERATORS) {
      if (at(pos, op)) {
        pos += op.length();
        return new Token(Kind.OPERATOR, op, start);
      }
    }
    throw source.error(start, "unexpected character '" + c + "'");
  }

  private static boolean isNamePart(char c) {
    return Character.isLetterOrDigit(c) || c == '_';
  }

  private Token number(int start) {
    digits();
    boolean afterDot = start > 0 && text.charAt(start - 1) == '.';
    boolean isFloat = false;
    if (!afterDot
        && at(pos, ".")
        && pos + 1 < text.length()
        && Character.isDigit(text.charAt(pos + 1))) {
      pos++;
      digits();
      isFloat = true;
    }
    if (!afterDot && pos < text.length() && (text.charAt(pos) == 'e' || text.charAt(pos) == 'E')) {
      int mark = pos++;
      if (pos < text.length() && (text.charAt(pos) == '+' || text.charAt(pos) == '-')) {
        pos++;
      }
      if (pos < text.length() && Character.isDigit(text.charAt(pos))) {
        digits();
        isFloat = true;
      } else {
        pos = mark;
      }
    }
    String literal = text.substring(start, pos).replace("_", "");
    return new Token(isFloat ? Kind.FLOAT : Kind.INTEGER, literal, start);
  }

  private void digits() {
    while (pos < text.length()
        && (Character.isDigit(text.charAt(pos))
            || (text.charAt(pos) == '_'
                && pos + 1 < text.length()
                && Character.isDigit(text.charAt(pos + 1))))) {
      pos++;
    }
  }

  private Token string(int start, char quote) {
    StringBuilder value = new StringBuilder();
    pos++;
    while (pos < text.length() && text.charAt(pos) != quote) {
      char c = text.charAt(pos++);
      if (c != '\\' || pos >= text.length()) {
        value.append(c);
        continue;
      }
      pos = Python.unescape(text, pos, value);
    }
    if (pos >= text.length()) {
      throw source.error(start, "unterminated string literal");
    }
    pos++;
    return new Token(Kind.STRING, value.toString(), start);
  }
}
