package dev.inference.nemotron.pod.tokenizer.jinja;

import java.util.List;
import java.util.Map;

/** Something a template can call: a macro, a global such as {@code namespace}, a bound method. */
@FunctionalInterface
interface Callable {
  Object call(List<Object> positional, Map<String, Object> named);
}
