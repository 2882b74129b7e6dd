package dev.inference.nemotron.pod.model;

import java.util.Locale;

/**
 * Makes text from a file safe to print in an error message. A tensor name, a config value or a
 * token read from a checkpoint may hold control characters, and printed raw they reach the
 * terminal: an {@code ESC [ ...} sequence recolours or rewrites the screen, a carriage return hides
 * the start of the message, a newline forges a second message. Every message that quotes file
 * content passes it through {@link #quote(String)}.
 */
public final class Printable {
  private Printable() {}

  /**
   * {@code text} with every control character written as an escape, so that it prints as one
   * visible line: {@code \n}, {@code \r} and {@code \t} as themselves, every other C0 or C1 control
   * character, DEL, a Unicode line or paragraph separator, a bidirectional override (which can
   * reorder what the reader sees) and a lone surrogate as {@code \}{@code uXXXX}. Everything else,
   * including non-ASCII letters and backslashes, is kept as it is; no quote marks are added. Null
   * gives {@code "null"}.
   */
  public static String quote(String text) {
    if (text == null) {
      return "null";
    }
    int first = firstUnprintable(text);
    if (first < 0) {
      return text;
    }
    StringBuilder out = new StringBuilder(text.length() + 16).append(text, 0, first);
    for (int i = first; i < text.length(); i++) {
      char c = text.charAt(i);
      if (!unprintable(text, i)) {
        out.append(c);
        continue;
      }
      switch (c) {
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
      }
    }
    return out.toString();
  }

  /** Whether {@code text} prints as it is (nothing {@link #quote(String)} would escape). */
  public static boolean isPrintable(String text) {
    return text == null || firstUnprintable(text) < 0;
  }

  private static int firstUnprintable(String text) {
    for (int i = 0; i < text.length(); i++) {
      if (unprintable(text, i)) {
        return i;
      }
    }
    return -1;
  }

  private static boolean unprintable(String text, int i) {
    char c = text.charAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
      return true;
    }
    if (c == '\u2028' || c == '\u2029' || (c >= '\u202a' && c <= '\u202e')) {
      return true;
    }
    if ((c >= '\u2066' && c <= '\u2069') || c == '\u200e' || c == '\u200f' || c == '\u061c') {
      return true;
    }
    if (Character.isHighSurrogate(c)) {
      return i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(i + 1));
    }
    if (Character.isLowSurrogate(c)) {
      return i == 0 || !Character.isHighSurrogate(text.charAt(i - 1));
    }
    return false;
  }
}
