package dev.inference.nemotron.pod.tokenizer.jinja;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Jinja template parsed once and rendered many times, with the semantics of Hugging Face's
 * chat-template environment ({@code ImmutableSandboxedEnvironment(trim_blocks=True,
 * lstrip_blocks=True)} with the loop-controls extension, the {@code raise_exception} and {@code
 * strftime_now} globals, and a {@code tojson} filter that does not escape non-ASCII text).
 *
 * <p>Variables are plain Java values: {@code String}, {@code Boolean}, integers, floating-point
 * numbers, {@code null} (Python's None), {@code List} and {@code Map}, nested freely. A missing
 * variable is Jinja's default {@code Undefined}: it renders as nothing and is false.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class Template {
  private final Source source;
  private final List<Node> nodes;

  private Template(Source source, List<Node> nodes) {
    this.source = source;
    this.nodes = nodes;
  }

  /**
   * Parses {@code text}.
   *
   * @param name how errors name the template, e.g. the file and field it came from
   * @throws TemplateException on a syntax error, naming {@code name}, the line and the column
   */
  public static Template parse(String name, String text) {
    Source source = Source.of(name, text);
    return new Template(source, Parser.parse(source));
  }

  /**
   * Renders the template with {@code variables}.
   *
   * @throws RaisedByTemplateException when the template calls {@code raise_exception}
   * @throws TemplateException when an expression fails (e.g. arithmetic on an undefined value)
   * @throws IllegalArgumentException when a variable holds a value of an unsupported Java type
   */
  public String render(Map<String, ?> variables) {
    Scope globals = new Scope(null);
    Globals.install(globals);
    Scope scope = new Scope(globals);
    variables.forEach((name, value) -> scope.set(name, toTemplateValue(value, name)));
    return new Evaluator(source).render(nodes, scope);
  }

  /** The name the template was parsed with. */
  public String name() {
    return source.name();
  }

  private static Object toTemplateValue(Object value, String path) {
    return switch (value) {
      case null -> null;
      case String s -> s;
      case Boolean b -> b;
      case Long l -> l;
      case Integer i -> i.longValue();
      case Short s -> s.longValue();
      case Byte b -> b.longValue();
      case BigInteger b -> b.longValueExact();
      case Double d -> d;
      case Float f -> f.doubleValue();
      case BigDecimal b -> b.doubleValue();
      case List<?> list -> {
        List<Object> copy = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
          copy.add(toTemplateValue(list.get(i), path + "[" + i + "]"));
        }
        yield copy;
      }
      case Map<?, ?> map -> {
        Map<Object, Object> copy = new LinkedHashMap<>();
        map.forEach(
            (k, v) -> copy.put(toTemplateValue(k, path), toTemplateValue(v, path + "." + k)));
        yield copy;
      }
      default ->
          throw new IllegalArgumentException(
              "template variable "
                  + path
                  + " has unsupported type "
                  + value.getClass().getName()
                  + ": use String, Boolean, a number, null, List or Map");
    };
  }
}
