package dev.inference.nemotron.pod.load;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A tolerant reader of the Prometheus text exposition format (and of OpenMetrics text, its
 * superset): one sample per line, {@code name{label="value",...} value [timestamp]}. {@code #}
 * lines ({@code HELP}, {@code TYPE}, {@code EOF}) and blank lines are skipped, and so is any line
 * that does not parse: a scrape is read for a few figures and one odd line must not lose them.
 */
public final class PrometheusText {

  /** One sample: a metric name, its labels in written order, and its value. */
  public record Sample(String name, Map<String, String> labels, double value) {
    public Sample {
      labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
    }
  }

  private PrometheusText() {}

  /** Every sample of {@code text} that parses. */
  public static List<Sample> parse(String text) {
    List<Sample> samples = new ArrayList<>();
    for (String line : text.split("\n")) {
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.charAt(0) == '#') {
        continue;
      }
      Sample s = parseLine(trimmed);
      if (s != null) {
        samples.add(s);
      }
    }
    return samples;
  }

  /** One sample line, or null when it is malformed. */
  static Sample parseLine(String line) {
    int i = 0;
    int n = line.length();
    while (i < n && isNameChar(line.charAt(i), i == 0)) {
      i++;
    }
    if (i == 0) {
      return null;
    }
    String name = line.substring(0, i);
    Map<String, String> labels = new LinkedHashMap<>();
    if (i < n && line.charAt(i) == '{') {
      i = parseLabels(line, i + 1, labels);
      if (i < 0) {
        return null;
      }
    }
    if (i >= n || !Character.isWhitespace(line.charAt(i))) {
      return null;
    }
    i = skipSpaces(line, i);
    int end = i;
    while (end < n && !Character.isWhitespace(line.charAt(end))) {
      end++;
    }
    // What follows the value (a timestamp, an OpenMetrics exemplar) is not needed.
    Double value = parseValue(line.substring(i, end));
    return value == null ? null : new Sample(name, labels, value);
  }

  /** Reads {@code a="x",b="y"}} from {@code i}; returns the index after the brace, -1 if bad. */
  private static int parseLabels(String line, int i, Map<String, String> labels) {
    int n = line.length();
    while (true) {
      i = skipSpaces(line, i);
      if (i >= n) {
        return -1;
      }
      if (line.charAt(i) == '}') {
        return i + 1;
      }
      int start = i;
      while (i < n && isNameChar(line.charAt(i), i == start)) {
        i++;
      }
      String key = line.substring(start, i);
      i = skipSpaces(line, i);
      if (key.isEmpty() || i >= n || line.charAt(i) != '=') {
        return -1;
      }
      i = skipSpaces(line, i + 1);
      if (i >= n || line.charAt(i) != '"') {
        return -1;
      }
      StringBuilder value = new StringBuilder();
      i++;
      while (i < n && line.charAt(i) != '"') {
        char c = line.charAt(i);
        if (c == '\\' && i + 1 < n) {
          char next = line.charAt(++i);
          value.append(next == 'n' ? '\n' : next);
        } else {
          value.append(c);
        }
        i++;
      }
      if (i >= n) {
        return -1; // the value's closing quote is missing
      }
      labels.put(key, value.toString());
      i = skipSpaces(line, i + 1);
      if (i < n && line.charAt(i) == ',') {
        i++;
      }
    }
  }

  private static Double parseValue(String token) {
    switch (token) {
      case "+Inf", "Inf" -> {
        return Double.POSITIVE_INFINITY;
      }
      case "-Inf" -> {
        return Double.NEGATIVE_INFINITY;
      }
      case "NaN" -> {
        return Double.NaN;
      }
      default -> {
        try {
          return Double.parseDouble(token);
        } catch (NumberFormatException e) {
          return null;
        }
      }
    }
  }

  private static boolean isNameChar(char c, boolean first) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || c == '_'
        || c == ':'
        || (!first && c >= '0' && c <= '9');
  }

  private static int skipSpaces(String line, int i) {
    while (i < line.length() && Character.isWhitespace(line.charAt(i))) {
      i++;
    }
    return i;
  }
}
