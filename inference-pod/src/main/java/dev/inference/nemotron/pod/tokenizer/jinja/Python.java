package dev.inference.nemotron.pod.tokenizer.jinja;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;

/** The Python string behaviour that Jinja templates inherit: whitespace, strip, split, repr. */
final class Python {
  private Python() {}

  /** Python's {@code str.isspace} for one character. */
  static boolean isSpace(char c) {
    return Character.isWhitespace(c) || Character.isSpaceChar(c) || c == '\u0085';
  }

  /** Python's {@code str.islower}: some cased characters, none of them upper or title case. */
  static boolean isLower(String s) {
    return s.chars().anyMatch(Character::isLowerCase)
        && s.chars().noneMatch(c -> Character.isUpperCase(c) || Character.isTitleCase(c));
  }

  /** Python's {@code str.isupper}: some cased characters, none of them lower or title case. */
  static boolean isUpper(String s) {
    return s.chars().anyMatch(Character::isUpperCase)
        && s.chars().noneMatch(c -> Character.isLowerCase(c) || Character.isTitleCase(c));
  }

  static String rstrip(String s) {
    return strip(s, null, false, true);
  }

  /** Python's {@code strip/lstrip/rstrip}: whitespace when {@code chars} is null. */
  static String strip(String s, String chars, boolean left, boolean right) {
    int start = 0;
    int end = s.length();
    while (left && start < end && strips(s.charAt(start), chars)) {
      start++;
    }
    while (right && end > start && strips(s.charAt(end - 1), chars)) {
      end--;
    }
    return s.substring(start, end);
  }

  private static boolean strips(char c, String chars) {
    return chars == null ? isSpace(c) : chars.indexOf(c) >= 0;
  }

  /** Python's {@code str.split(sep, maxsplit)}; a null {@code sep} splits on whitespace runs. */
  static List<Object> split(String s, String sep, long maxSplit) {
    List<Object> parts = new ArrayList<>();
    if (sep == null) {
      int i = 0;
      while (true) {
        while (i < s.length() && isSpace(s.charAt(i))) {
          i++;
        }
        if (i >= s.length()) {
          return parts;
        }
        if (maxSplit >= 0 && parts.size() >= maxSplit) {
          parts.add(rstrip(s.substring(i)));
          return parts;
        }
        int start = i;
        while (i < s.length() && !isSpace(s.charAt(i))) {
          i++;
        }
        parts.add(s.substring(start, i));
      }
    }
    if (sep.isEmpty()) {
      throw new EvalError("empty separator");
    }
    int start = 0;
    for (int i = s.indexOf(sep); i >= 0; i = s.indexOf(sep, start)) {
      if (maxSplit >= 0 && parts.size() >= maxSplit) {
        break;
      }
      parts.add(s.substring(start, i));
      start = i + sep.length();
    }
    parts.add(s.substring(start));
    return parts;
  }

  /**
   * Appends the character(s) of the Python escape sequence whose backslash precedes {@code pos};
   * returns the position after it. Unknown escapes keep their backslash, as in Python.
   */
  static int unescape(String text, int pos, StringBuilder out) {
    char c = text.charAt(pos);
    switch (c) {
      case 'n' -> out.append('\n');
      case 't' -> out.append('\t');
      case 'r' -> out.append('\r');
      case 'b' -> out.append('\b');
      case 'f' -> out.append('\f');
      case 'v' -> out.append('\u000b');
      case 'a' -> out.append('\u0007');
      case '0', '1', '2', '3', '4', '5', '6', '7' -> {
        int end = pos;
        while (end < text.length()
            && end < pos + 3
            && text.charAt(end) >= '0'
            && text.charAt(end) <= '7') {
          end++;
        }
        out.append((char) Integer.parseInt(text.substring(pos, end), 8));
        return end;
      }
      case 'x', 'u', 'U' -> {
        int digits = c == 'x' ? 2 : c == 'u' ? 4 : 8;
        if (pos + digits < text.length()) {
          out.appendCodePoint(Integer.parseInt(text.substring(pos + 1, pos + 1 + digits), 16));
          return pos + 1 + digits;
        }
        out.append('\\').append(c);
      }
      case '\\', '\'', '"' -> out.append(c);
      case '\n' -> {}
      default -> out.append('\\').append(c);
    }
    return pos + 1;
  }

  /** Python's {@code repr} of a string: single quotes unless it holds ' and no ". */
  static String repr(String s) {
    char quote = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
    StringBuilder out = new StringBuilder().append(quote);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c == quote) {
            out.append('\\').append(c);
          } else if (c < 0x20 || c == 0x7f) {
            out.append(String.format("\\x%02x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append(quote).toString();
  }

  /**
   * Python's {@code repr} of a float: shortest round-trip digits, exponent outside [1e-4, 1e16).
   */
  static String repr(double d) {
    if (Double.isNaN(d)) {
      return "nan";
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? "inf" : "-inf";
    }
    if (d == 0) {
      return 1 / d < 0 ? "-0.0" : "0.0";
    }
    BigDecimal exact = new BigDecimal(Double.toString(Math.abs(d))).stripTrailingZeros();
    if (exact.precision() == 2) {
      // Java prints at least two digits (4.9E-324) where one round-trips (Python's 5e-324)
      BigDecimal one = exact.round(new MathContext(1, RoundingMode.HALF_EVEN));
      if (one.doubleValue() == Math.abs(d)) {
        exact = one.stripTrailingZeros();
      }
    }
    String digits = exact.unscaledValue().toString();
    int exponent = digits.length() - 1 - exact.scale();
    StringBuilder out = new StringBuilder(d < 0 ? "-" : "");
    if (exponent < -4 || exponent >= 16) {
      out.append(digits.charAt(0));
      if (digits.length() > 1) {
        out.append('.').append(digits, 1, digits.length());
      }
      out.append('e').append(exponent < 0 ? '-' : '+');
      return out.append(String.format("%02d", Math.abs(exponent))).toString();
    }
    if (exponent < 0) {
      return out.append("0.").append("0".repeat(-exponent - 1)).append(digits).toString();
    }
    if (digits.length() <= exponent + 1) {
      return out.append(digits)
          .append("0".repeat(exponent + 1 - digits.length()))
          .append(".0")
          .toString();
    }
    return out.append(digits, 0, exponent + 1)
        .append('.')
        .append(digits, exponent + 1, digits.length())
        .toString();
  }
}
