package dev.inference.nemotron.pod.tokenizer.jinja;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The filters that apply another filter or a test to each item: {@code map}, {@code select}, {@code
 * reject}, {@code selectattr}, {@code rejectattr} (e.g. {@code messages|selectattr("role",
 * "equalto", "system")}).
 */
final class Selections {
  static final Set<String> NAMES = Set.of("map", "select", "reject", "selectattr", "rejectattr");

  private Selections() {}

  static Object apply(Filters.Call c) {
    return new Generator(() -> items(c));
  }

  private static List<Object> items(Filters.Call c) {
    if (!Values.truthy(c.value())) {
      // jinja2 checks "if value:" before iterating, so false values of any type give nothing
      return List.of();
    }
    List<Object> items = Values.iterate(c.value());
    List<Object> out = new ArrayList<>();
    if (c.name().equals("map")) {
      for (Object item : items) {
        out.add(map(item, c));
      }
      return out;
    }
    boolean byAttribute = c.name().endsWith("attr");
    boolean keep = c.name().startsWith("select");
    List<Object> args = c.positional();
    int testAt = byAttribute ? 1 : 0;
    if (byAttribute && args.isEmpty()) {
      throw new EvalError(c.name() + " needs an attribute name");
    }
    for (Object item : items) {
      Object subject = byAttribute ? Filters.path(item, args.getFirst()) : item;
      boolean passes =
          args.size() > testAt
              ? Tests.apply(
                  Values.str(args.get(testAt)), subject, args.subList(testAt + 1, args.size()))
              : Values.truthy(subject);
      if (passes == keep) {
        out.add(item);
      }
    }
    return out;
  }

  private static Object map(Object item, Filters.Call c) {
    if (c.named().containsKey("attribute")) {
      Object value = Filters.path(item, c.named().get("attribute"));
      if (value instanceof Undefined && c.named().containsKey("default")) {
        return c.named().get("default");
      }
      return value;
    }
    if (c.positional().isEmpty()) {
      throw new EvalError("map needs a filter name or attribute=");
    }
    String filter = Values.str(c.positional().getFirst());
    List<Object> rest = c.positional().subList(1, c.positional().size());
    return Filters.apply(new Filters.Call(filter, item, rest, Map.of()));
  }
}
