package dev.inference.nemotron.pod.tokenizer.jinja;

import dev.inference.nemotron.pod.tokenizer.jinja.Token.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Builds the statement tree of a template from its tokens (Jinja's grammar for statements). */
final class Parser {
  private final Source source;
  private final List<Token> tokens;
  private final Expressions expressions;
  private int index;
  private int loopDepth;

  private Parser(Source source, List<Token> tokens) {
    this.source = source;
    this.tokens = tokens;
    this.expressions = new Expressions(this);
  }

  static List<Node> parse(Source source) {
    Parser parser = new Parser(source, Lexer.tokenize(source));
    List<Node> body = parser.body(Set.of());
    if (parser.peek().kind() != Kind.END) {
      Token tag = parser.peek();
      throw parser.source.error(tag.offset(), "unexpected '" + tag.text() + "'");
    }
    return body;
  }

  Token peek() {
    return tokens.get(index);
  }

  Token peekAhead(int n) {
    return tokens.get(Math.min(index + n, tokens.size() - 1));
  }

  Token next() {
    Token t = tokens.get(index);
    if (t.kind() != Kind.END) {
      index++;
    }
    return t;
  }

  boolean skipOperator(String op) {
    if (peek().isOperator(op)) {
      index++;
      return true;
    }
    return false;
  }

  boolean skipName(String name) {
    if (peek().isName(name)) {
      index++;
      return true;
    }
    return false;
  }

  Token expect(Kind kind, String value, String what) {
    Token t = peek();
    if (t.kind() != kind || (value != null && !t.text().equals(value))) {
      throw error(t, "expected " + what);
    }
    return next();
  }

  TemplateException error(Token at, String message) {
    String found =
        switch (at.kind()) {
          case END -> "end of template";
          case BLOCK_END, VARIABLE_END -> "end of tag";
          case TEXT -> "template text";
          default -> "'" + at.text() + "'";
        };
    return source.error(at.offset(), message + ", found " + found);
  }

  /**
   * Statements up to (not including) a block tag named in {@code endTags}; the parser is left on
   * that tag's name, after its {@code BLOCK_BEGIN}.
   */
  private List<Node> body(Set<String> endTags) {
    List<Node> nodes = new ArrayList<>();
    while (true) {
      Token t = peek();
      switch (t.kind()) {
        case END -> {
          if (!endTags.isEmpty()) {
            throw error(t, "missing " + String.join(" or ", sorted(endTags)));
          }
          return nodes;
        }
        case TEXT -> nodes.add(new Node.Text(next().offset(), t.text()));
        case VARIABLE_BEGIN -> {
          next();
          Expr e = expressions.tuple(true);
          expect(Kind.VARIABLE_END, null, "'}}'");
          nodes.add(new Node.Output(t.offset(), e));
        }
        case BLOCK_BEGIN -> {
          Token name = peekAhead(1);
          if (name.kind() == Kind.NAME && endTags.contains(name.text())) {
            next();
            return nodes;
          }
          next();
          nodes.add(statement());
        }
        default -> throw error(t, "unexpected token");
      }
    }
  }

  private static List<String> sorted(Set<String> tags) {
    return tags.stream().sorted().map(s -> "'{% " + s + " %}'").toList();
  }

  private Node statement() {
    Token name = expect(Kind.NAME, null, "a statement name");
    return switch (name.text()) {
      case "if" -> ifStatement(name.offset());
      case "for" -> forStatement(name.offset());
      case "set" -> setStatement(name.offset());
      case "macro" -> macro(name.offset());
      case "break", "continue" -> {
        if (loopDepth == 0) {
          throw source.error(name.offset(), "'" + name.text() + "' outside of a for loop");
        }
        endTag();
        yield new Node.LoopControl(name.offset(), name.text().equals("break"));
      }
      case "generation" -> {
        endTag();
        List<Node> body = body(Set.of("endgeneration"));
        closeTag();
        yield new Node.Block(name.offset(), body);
      }
      default ->
          throw source.error(
              name.offset(),
              "unknown tag '"
                  + name.text()
                  + "' (chat templates may use if, for, set, macro, break, continue, raw,"
                  + " generation)");
    };
  }

  private void endTag() {
    expect(Kind.BLOCK_END, null, "'%}'");
  }

  /** Consumes the name and end of a closing tag the body stopped at. */
  private String closeTag() {
    String name = next().text();
    endTag();
    return name;
  }

  private Node ifStatement(int offset) {
    List<Node.Branch> branches = new ArrayList<>();
    Expr condition = expressions.tuple(true);
    while (true) {
      endTag();
      List<Node> body = body(Set.of("elif", "else", "endif"));
      branches.add(new Node.Branch(condition, body));
      String tag = next().text();
      if (tag.equals("elif")) {
        condition = expressions.tuple(true);
      } else if (tag.equals("else")) {
        endTag();
        List<Node> otherwise = body(Set.of("endif"));
        closeTag();
        return new Node.If(offset, branches, otherwise);
      } else {
        endTag();
        return new Node.If(offset, branches, List.of());
      }
    }
  }

  private Node forStatement(int offset) {
    Expr target = expressions.assignTarget(false);
    expect(Kind.NAME, "in", "'in'");
    Expr iterable = expressions.tuple(false);
    Expr filter = skipName("if") ? expressions.tuple(true) : null;
    if (peek().isName("recursive")) {
      throw source.error(peek().offset(), "recursive loops are not supported");
    }
    endTag();
    loopDepth++;
    List<Node> body = body(Set.of("else", "endfor"));
    loopDepth--;
    List<Node> otherwise = List.of();
    if (closeTag().equals("else")) {
      otherwise = body(Set.of("endfor"));
      closeTag();
    }
    return new Node.For(offset, target, iterable, filter, body, otherwise);
  }

  private Node setStatement(int offset) {
    Expr target = expressions.assignTarget(true);
    if (skipOperator("=")) {
      Expr value = expressions.tuple(true);
      endTag();
      return new Node.Set(offset, target, value);
    }
    if (!(target instanceof Expr.Name name)) {
      throw error(peek(), "expected '='");
    }
    endTag();
    List<Node> body = body(Set.of("endset"));
    closeTag();
    return new Node.SetBlock(offset, name.name(), body);
  }

  private Node macro(int offset) {
    String name = expect(Kind.NAME, null, "a macro name").text();
    expect(Kind.OPERATOR, "(", "'('");
    List<String> params = new ArrayList<>();
    List<Expr> defaults = new ArrayList<>();
    while (!skipOperator(")")) {
      if (!params.isEmpty()) {
        expect(Kind.OPERATOR, ",", "',' or ')'");
      }
      params.add(expect(Kind.NAME, null, "a parameter name").text());
      if (skipOperator("=")) {
        defaults.add(expressions.expression(true));
      } else if (!defaults.isEmpty()) {
        throw error(peek(), "parameter without default after one with a default");
      }
    }
    endTag();
    int enclosingLoops = loopDepth;
    loopDepth = 0;
    List<Node> body = body(Set.of("endmacro"));
    loopDepth = enclosingLoops;
    closeTag();
    return new Node.Macro(offset, name, params, defaults, body);
  }
}
