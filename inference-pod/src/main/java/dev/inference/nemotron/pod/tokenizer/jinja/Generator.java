package dev.inference.nemotron.pod.tokenizer.jinja;

import java.util.List;
import java.util.function.Supplier;

/**
 * What Jinja's {@code map}, {@code select}, {@code unique}, {@code items}, {@code reverse}...
 * return in Python: a generator. Like jinja2's, it is computed only when iterated (so its errors
 * show up there), can be iterated once (a second pass sees nothing), is always true (even when
 * empty), and has no length: {@code {% if messages|selectattr(...) %}} is always true and {@code
 * |list} is needed before {@code |length}, exactly as in the templates' reference implementation.
 */
final class Generator {
  private Supplier<List<Object>> source;

  Generator(Supplier<List<Object>> source) {
    this.source = source;
  }

  /** The remaining items; afterwards the generator is exhausted. */
  List<Object> drain() {
    if (source == null) {
      return List.of();
    }
    Supplier<List<Object>> s = source;
    source = null;
    return s.get();
  }

  @Override
  public String toString() {
    return "<generator object>";
  }
}
