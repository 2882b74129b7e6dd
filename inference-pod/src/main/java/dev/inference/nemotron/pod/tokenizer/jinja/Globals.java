package dev.inference.nemotron.pod.tokenizer.jinja;

import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The functions a chat template can call by name: Jinja's {@code namespace}, {@code range} and
 * {@code dict}, and Hugging Face's {@code raise_exception} and {@code strftime_now}.
 */
final class Globals {
  private Globals() {}

  /** Thrown by {@code raise_exception}; the evaluator adds the template position. */
  static final class Raised extends EvalError {
    Raised(String message) {
      super(message);
    }
  }

  static void install(Scope scope) {
    scope.set(
        "namespace",
        (Callable)
            (args, named) -> {
              Namespace ns = new Namespace();
              for (Object arg : args) {
                if (!(arg instanceof Map<?, ?> map)) {
                  throw new EvalError("namespace() takes keyword arguments or a dict");
                }
                map.forEach((k, v) -> ns.attributes.put(Values.str(k), v));
              }
              ns.attributes.putAll(named);
              return ns;
            });
    scope.set(
        "raise_exception",
        (Callable)
            (args, named) -> {
              throw new Raised(args.isEmpty() ? "" : Values.str(args.getFirst()));
            });
    scope.set("range", (Callable) (args, named) -> range(args));
    scope.set(
        "dict",
        (Callable)
            (args, named) -> {
              Map<Object, Object> dict = new LinkedHashMap<>();
              if (!args.isEmpty() && args.getFirst() instanceof Map<?, ?> map) {
                dict.putAll(map);
              }
              dict.putAll(named);
              return dict;
            });
    scope.set(
        "strftime_now",
        (Callable) (args, named) -> strftime(Values.str(args.isEmpty() ? "" : args.getFirst())));
  }

  private static List<Object> range(List<Object> args) {
    if (args.isEmpty() || args.size() > 3) {
      throw new EvalError("range expected 1 to 3 arguments, got " + args.size());
    }
    long start = args.size() == 1 ? 0 : Values.toLong(args.get(0), "range start");
    long stop = Values.toLong(args.get(args.size() == 1 ? 0 : 1), "range stop");
    long step = args.size() == 3 ? Values.toLong(args.get(2), "range step") : 1;
    if (step == 0) {
      throw new EvalError("range() arg 3 must not be zero");
    }
    List<Object> out = new ArrayList<>();
    for (long i = start; step > 0 ? i < stop : i > stop; i += step) {
      if (out.size() >= 100_000) {
        throw new EvalError("range too large (templates may iterate at most 100000 items)");
      }
      out.add(i);
    }
    return out;
  }

  /** Python's {@code strftime} for the common codes chat templates use with today's date. */
  private static String strftime(String format) {
    LocalDateTime now = LocalDateTime.now();
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < format.length(); i++) {
      char c = format.charAt(i);
      if (c != '%' || i + 1 >= format.length()) {
        out.append(c);
        continue;
      }
      char code = format.charAt(++i);
      out.append(
          switch (code) {
            case 'd' -> String.format("%02d", now.getDayOfMonth());
            case 'm' -> String.format("%02d", now.getMonthValue());
            case 'Y' -> String.valueOf(now.getYear());
            case 'y' -> String.format("%02d", now.getYear() % 100);
            case 'H' -> String.format("%02d", now.getHour());
            case 'M' -> String.format("%02d", now.getMinute());
            case 'S' -> String.format("%02d", now.getSecond());
            case 'b' ->
                now.getMonth().getDisplayName(java.time.format.TextStyle.SHORT, Locale.ENGLISH);
            case 'B' ->
                now.getMonth().getDisplayName(java.time.format.TextStyle.FULL, Locale.ENGLISH);
            case 'a' ->
                now.getDayOfWeek().getDisplayName(java.time.format.TextStyle.SHORT, Locale.ENGLISH);
            case 'A' ->
                now.getDayOfWeek().getDisplayName(java.time.format.TextStyle.FULL, Locale.ENGLISH);
            case '%' -> "%";
            default -> throw new EvalError("strftime_now: unsupported format code %" + code);
          });
    }
    return out.toString();
  }
}
