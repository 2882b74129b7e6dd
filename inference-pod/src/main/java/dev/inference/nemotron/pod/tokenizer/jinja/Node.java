package dev.inference.nemotron.pod.tokenizer.jinja;

import java.util.List;

/** A statement of a parsed template; {@code offset} locates it in the source for errors. */
sealed interface Node {
  int offset();

  /** Literal template text. */
  record Text(int offset, String text) implements Node {}

  /** {@code {{ expression }}}. */
  record Output(int offset, Expr expression) implements Node {}

  /** {@code if / elif / else}: the first branch whose condition is true renders. */
  record If(int offset, List<Branch> branches, List<Node> otherwise) implements Node {}

  record Branch(Expr condition, List<Node> body) {}

  /**
   * {@code for target in iterable [if filter]}, with {@code else} rendered when nothing was
   * iterated. Each iteration gets a fresh scope, as in Jinja.
   */
  record For(
      int offset, Expr target, Expr iterable, Expr filter, List<Node> body, List<Node> otherwise)
      implements Node {}

  /** {@code set target = value}; the target is a name, a tuple of names or {@code ns.attr}. */
  record Set(int offset, Expr target, Expr value) implements Node {}

  /** {@code set name}...{@code endset}: the rendered body becomes the value. */
  record SetBlock(int offset, String name, List<Node> body) implements Node {}

  /** {@code macro name(params)}: defines a callable in the current scope. */
  record Macro(int offset, String name, List<String> params, List<Expr> defaults, List<Node> body)
      implements Node {}

  /** {@code break} or {@code continue} (the loopcontrols extension Hugging Face enables). */
  record LoopControl(int offset, boolean isBreak) implements Node {}

  /**
   * A block rendered as is: {@code generation} (Hugging Face's marker of assistant text for
   * training masks) has no effect on the output.
   */
  record Block(int offset, List<Node> body) implements Node {}
}
