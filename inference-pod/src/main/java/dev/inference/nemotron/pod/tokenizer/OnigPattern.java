package dev.inference.nemotron.pod.tokenizer;

import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Compiles the Oniguruma regexes of {@code tokenizer.json} into {@link Pattern}s that match the
 * same text. Oniguruma on UTF-8 is Unicode-aware by default, so {@code \s}, {@code \w} and {@code
 * (?i)} need {@link Pattern#UNICODE_CHARACTER_CLASS} (which implies Unicode case folding: {@code
 * (?i:'s)} matches {@code 'S} and {@code 'ſ} in both engines). A few spellings differ and are
 * rewritten: script names ({@code \p{Han}} is {@code \p{IsHan}} in Java), negated properties
 * ({@code \p{^L}}), and {@code \h} (a hex digit in Oniguruma, horizontal space in Java).
 */
final class OnigPattern {

  /** General categories Java accepts as {@code \p{Xx}}; any other name is a script. */
  private static final Set<String> CATEGORIES =
      Set.of(
          "L", "Lu", "Ll", "Lt", "Lm", "Lo", "LC", "M", "Mn", "Mc", "Me", "N", "Nd", "Nl", "No",
          "P", "Pc", "Pd", "Ps", "Pe", "Pi", "Pf", "Po", "S", "Sm", "Sc", "Sk", "So", "Z", "Zs",
          "Zl", "Zp", "C", "Cc", "Cf", "Cs", "Co", "Cn");

  private OnigPattern() {}

  /** Compiles {@code regex}; an {@link IllegalArgumentException} names the pattern when invalid. */
  static Pattern compile(String regex) {
    try {
      return Pattern.compile(translate(regex), Pattern.UNICODE_CHARACTER_CLASS);
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException(
          "regex /" + regex + "/ is not supported: " + e.getDescription(), e);
    }
  }

  static String translate(String regex) {
    StringBuilder out = new StringBuilder(regex.length() + 16);
    int i = 0;
    while (i < regex.length()) {
      char c = regex.charAt(i);
      if (c != '\\' || i + 1 >= regex.length()) {
        out.append(c);
        i++;
        continue;
      }
      char e = regex.charAt(i + 1);
      if ((e == 'p' || e == 'P') && i + 2 < regex.length() && regex.charAt(i + 2) == '{') {
        int close = regex.indexOf('}', i + 3);
        if (close < 0) {
          throw new IllegalArgumentException("regex /" + regex + "/: unterminated \\p{");
        }
        String name = regex.substring(i + 3, close);
        boolean negated = e == 'P';
        if (name.startsWith("^")) {
          negated = !negated;
          name = name.substring(1);
        }
        out.append('\\').append(negated ? 'P' : 'p').append('{').append(javaProperty(name));
        out.append('}');
        i = close + 1;
      } else if (e == 'h') {
        out.append("[0-9a-fA-F]");
        i += 2;
      } else if (e == 'H') {
        out.append("[^0-9a-fA-F]");
        i += 2;
      } else {
        out.append(c).append(e);
        i += 2;
      }
    }
    return out.toString();
  }

  private static String javaProperty(String name) {
    if (CATEGORIES.contains(name)
        || name.startsWith("Is")
        || name.startsWith("In")
        || name.contains("=")) {
      return name;
    }
    return "Is" + name;
  }
}
