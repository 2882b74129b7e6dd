package dev.inference.nemotron.pod.tokenizer.jinja;

import java.util.List;

/** An expression of a parsed template; {@code offset} locates it in the source for errors. */
sealed interface Expr {
  int offset();

  record Literal(int offset, Object value) implements Expr {}

  record Name(int offset, String name) implements Expr {}

  record ListOf(int offset, List<Expr> items) implements Expr {}

  /** A tuple, evaluated to an immutable list. */
  record TupleOf(int offset, List<Expr> items) implements Expr {}

  record DictOf(int offset, List<Expr> keys, List<Expr> values) implements Expr {}

  /** {@code object.name}: an attribute, else an item (Jinja's {@code getattr}). */
  record Attribute(int offset, Expr object, String name) implements Expr {}

  /** {@code object[key]}: an item, else an attribute (Jinja's {@code getitem}). */
  record Item(int offset, Expr object, Expr key) implements Expr {}

  /** {@code object[start:stop:step]}; absent bounds are null. */
  record Slice(int offset, Expr object, Expr start, Expr stop, Expr step) implements Expr {}

  record Call(int offset, Expr callee, Arguments arguments) implements Expr {}

  /** {@code operand | name(arguments)}. */
  record Filter(int offset, Expr operand, String name, Arguments arguments) implements Expr {}

  /** {@code operand is [not] name(arguments)}. */
  record Test(int offset, Expr operand, String name, boolean negated, Arguments arguments)
      implements Expr {}

  /** {@code -x}, {@code +x} or {@code not x}. */
  record Unary(int offset, String operator, Expr operand) implements Expr {}

  /** Arithmetic, {@code ~}, {@code and}, {@code or}. */
  record Binary(int offset, String operator, Expr left, Expr right) implements Expr {}

  /** A comparison chain {@code a < b <= c}; operators include {@code in} and {@code notin}. */
  record Compare(int offset, Expr first, List<String> operators, List<Expr> operands)
      implements Expr {}

  /** {@code then if condition else otherwise}; a missing else is undefined. */
  record Conditional(int offset, Expr condition, Expr then, Expr otherwise) implements Expr {}

  /** Positional and keyword arguments of a call, filter or test. */
  record Arguments(List<Expr> positional, List<String> names, List<Expr> named) {
    static final Arguments NONE = new Arguments(List.of(), List.of(), List.of());
  }
}
