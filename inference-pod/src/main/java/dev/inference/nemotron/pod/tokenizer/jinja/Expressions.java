package dev.inference.nemotron.pod.tokenizer.jinja;

import dev.inference.nemotron.pod.tokenizer.jinja.Token.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The expression grammar of Jinja, lowest precedence first: conditional, {@code or}, {@code and},
 * {@code not}, comparisons, {@code + -}, {@code ~}, {@code * / // %}, {@code **}, unary minus, then
 * primaries with their postfix attribute/item/call, filter and test suffixes.
 */
final class Expressions {
  private static final Set<String> COMPARISONS = Set.of("==", "!=", "<", "<=", ">", ">=");
  private static final Set<String> PRODUCTS = Set.of("*", "/", "//", "%");
  private static final Set<Kind> TEST_ARGUMENT_STARTS =
      Set.of(Kind.NAME, Kind.STRING, Kind.INTEGER, Kind.FLOAT);

  private final Parser p;

  Expressions(Parser parser) {
    this.p = parser;
  }

  /** An expression, or a tuple when commas separate several. */
  Expr tuple(boolean withConditional) {
    int offset = p.peek().offset();
    List<Expr> items = new ArrayList<>();
    items.add(expression(withConditional));
    boolean comma = false;
    while (p.skipOperator(",")) {
      comma = true;
      if (endsTuple()) {
        break;
      }
      items.add(expression(withConditional));
    }
    return comma ? new Expr.TupleOf(offset, items) : items.getFirst();
  }

  private boolean endsTuple() {
    Token t = p.peek();
    return t.kind() == Kind.VARIABLE_END
        || t.kind() == Kind.BLOCK_END
        || t.isOperator(")")
        || t.isName("in")
        || t.isName("if");
  }

  /** A name, a tuple of names, or (for {@code set}) {@code name.attribute}. */
  Expr assignTarget(boolean allowAttribute) {
    int offset = p.peek().offset();
    List<Expr> names = new ArrayList<>();
    do {
      Token name = p.expect(Kind.NAME, null, "a variable name");
      if (allowAttribute && names.isEmpty() && p.skipOperator(".")) {
        String attribute = p.expect(Kind.NAME, null, "an attribute name").text();
        return new Expr.Attribute(
            name.offset(), new Expr.Name(name.offset(), name.text()), attribute);
      }
      names.add(new Expr.Name(name.offset(), name.text()));
    } while (p.skipOperator(","));
    return names.size() == 1 ? names.getFirst() : new Expr.TupleOf(offset, names);
  }

  Expr expression(boolean withConditional) {
    return withConditional ? conditional() : or();
  }

  private Expr conditional() {
    Expr e = or();
    while (p.peek().isName("if")) {
      int offset = p.next().offset();
      Expr condition = or();
      Expr otherwise = p.skipName("else") ? conditional() : null;
      e = new Expr.Conditional(offset, condition, e, otherwise);
    }
    return e;
  }

  private Expr or() {
    Expr left = and();
    while (p.peek().isName("or")) {
      left = new Expr.Binary(p.next().offset(), "or", left, and());
    }
    return left;
  }

  private Expr and() {
    Expr left = not();
    while (p.peek().isName("and")) {
      left = new Expr.Binary(p.next().offset(), "and", left, not());
    }
    return left;
  }

  private Expr not() {
    if (p.peek().isName("not")) {
      return new Expr.Unary(p.next().offset(), "not", not());
    }
    return compare();
  }

  private Expr compare() {
    Expr first = sum();
    List<String> operators = new ArrayList<>();
    List<Expr> operands = new ArrayList<>();
    while (true) {
      Token t = p.peek();
      if (t.kind() == Kind.OPERATOR && COMPARISONS.contains(t.text())) {
        operators.add(p.next().text());
      } else if (t.isName("in")) {
        p.next();
        operators.add("in");
      } else if (t.isName("not") && p.peekAhead(1).isName("in")) {
        p.next();
        p.next();
        operators.add("notin");
      } else {
        break;
      }
      operands.add(sum());
    }
    return operators.isEmpty()
        ? first
        : new Expr.Compare(first.offset(), first, operators, operands);
  }

  private Expr sum() {
    Expr left = concat();
    while (p.peek().isOperator("+") || p.peek().isOperator("-")) {
      Token op = p.next();
      left = new Expr.Binary(op.offset(), op.text(), left, concat());
    }
    return left;
  }

  private Expr concat() {
    Expr left = product();
    while (p.peek().isOperator("~")) {
      left = new Expr.Binary(p.next().offset(), "~", left, product());
    }
    return left;
  }

  private Expr product() {
    Expr left = power();
    while (p.peek().kind() == Kind.OPERATOR && PRODUCTS.contains(p.peek().text())) {
      Token op = p.next();
      left = new Expr.Binary(op.offset(), op.text(), left, power());
    }
    return left;
  }

  private Expr power() {
    Expr left = unary(true);
    while (p.peek().isOperator("**")) {
      left = new Expr.Binary(p.next().offset(), "**", left, unary(true));
    }
    return left;
  }

  private Expr unary(boolean withFilter) {
    Token t = p.peek();
    Expr e;
    if (t.isOperator("-") || t.isOperator("+")) {
      p.next();
      e = new Expr.Unary(t.offset(), t.text(), unary(false));
    } else {
      e = primary();
    }
    e = postfix(e);
    return withFilter ? filters(e) : e;
  }

  private Expr primary() {
    Token t = p.next();
    return switch (t.kind()) {
      case NAME ->
          switch (t.text()) {
            case "true", "True" -> new Expr.Literal(t.offset(), Boolean.TRUE);
            case "false", "False" -> new Expr.Literal(t.offset(), Boolean.FALSE);
            case "none", "None" -> new Expr.Literal(t.offset(), null);
            default -> new Expr.Name(t.offset(), t.text());
          };
      case STRING -> {
        StringBuilder s = new StringBuilder(t.text());
        while (p.peek().kind() == Kind.STRING) {
          s.append(p.next().text());
        }
        yield new Expr.Literal(t.offset(), s.toString());
      }
      case INTEGER -> new Expr.Literal(t.offset(), Long.parseLong(t.text()));
      case FLOAT -> new Expr.Literal(t.offset(), Double.parseDouble(t.text()));
      case OPERATOR -> bracketed(t);
      default -> throw p.error(t, "expected an expression");
    };
  }

  private Expr bracketed(Token open) {
    switch (open.text()) {
      case "(" -> {
        if (p.skipOperator(")")) {
          return new Expr.TupleOf(open.offset(), List.of());
        }
        Expr e = tuple(true);
        p.expect(Kind.OPERATOR, ")", "')'");
        return e;
      }
      case "[" -> {
        List<Expr> items = new ArrayList<>();
        while (!p.skipOperator("]")) {
          if (!items.isEmpty()) {
            p.expect(Kind.OPERATOR, ",", "',' or ']'");
            if (p.skipOperator("]")) {
              break;
            }
          }
          items.add(expression(true));
        }
        return new Expr.ListOf(open.offset(), items);
      }
      case "{" -> {
        List<Expr> keys = new ArrayList<>();
        List<Expr> values = new ArrayList<>();
        while (!p.skipOperator("}")) {
          if (!keys.isEmpty()) {
            p.expect(Kind.OPERATOR, ",", "',' or '}'");
            if (p.skipOperator("}")) {
              break;
            }
          }
          keys.add(expression(true));
          p.expect(Kind.OPERATOR, ":", "':'");
          values.add(expression(true));
        }
        return new Expr.DictOf(open.offset(), keys, values);
      }
      default -> throw p.error(open, "expected an expression");
    }
  }

  private Expr postfix(Expr e) {
    while (true) {
      Token t = p.peek();
      if (t.isOperator(".")) {
        p.next();
        Token name = p.next();
        if (name.kind() == Kind.NAME) {
          e = new Expr.Attribute(t.offset(), e, name.text());
        } else if (name.kind() == Kind.INTEGER) {
          e =
              new Expr.Item(
                  t.offset(), e, new Expr.Literal(name.offset(), Long.parseLong(name.text())));
        } else {
          throw p.error(name, "expected an attribute name");
        }
      } else if (t.isOperator("[")) {
        p.next();
        e = subscript(t.offset(), e);
      } else if (t.isOperator("(")) {
        p.next();
        e = new Expr.Call(t.offset(), e, arguments());
      } else {
        return e;
      }
    }
  }

  private Expr subscript(int offset, Expr object) {
    Expr[] parts = new Expr[3];
    int part = 0;
    boolean slice = false;
    while (!p.skipOperator("]")) {
      if (p.skipOperator(":")) {
        slice = true;
        if (++part > 2) {
          throw p.error(p.peek(), "expected ']'");
        }
      } else if (parts[part] == null) {
        parts[part] = expression(true);
      } else {
        throw p.error(p.peek(), "expected ':' or ']'");
      }
    }
    if (!slice) {
      if (parts[0] == null) {
        throw p.error(p.peek(), "expected a subscript");
      }
      return new Expr.Item(offset, object, parts[0]);
    }
    return new Expr.Slice(offset, object, parts[0], parts[1], parts[2]);
  }

  /** Call arguments after the opening parenthesis, through the closing one. */
  private Expr.Arguments arguments() {
    List<Expr> positional = new ArrayList<>();
    List<String> names = new ArrayList<>();
    List<Expr> named = new ArrayList<>();
    boolean first = true;
    while (!p.skipOperator(")")) {
      if (!first) {
        p.expect(Kind.OPERATOR, ",", "',' or ')'");
        if (p.skipOperator(")")) {
          break;
        }
      }
      first = false;
      if (p.peek().kind() == Kind.NAME && p.peekAhead(1).isOperator("=")) {
        names.add(p.next().text());
        p.next();
        named.add(expression(true));
      } else if (!names.isEmpty()) {
        throw p.error(p.peek(), "positional argument after a keyword argument");
      } else {
        positional.add(expression(true));
      }
    }
    return new Expr.Arguments(positional, names, named);
  }

  private Expr filters(Expr e) {
    while (true) {
      Token t = p.peek();
      if (t.isOperator("|")) {
        p.next();
        String name = dottedName();
        Expr.Arguments args = p.skipOperator("(") ? arguments() : Expr.Arguments.NONE;
        e = new Expr.Filter(t.offset(), e, name, args);
      } else if (t.isName("is")) {
        p.next();
        boolean negated = p.skipName("not");
        String name = dottedName();
        Expr.Arguments args = Expr.Arguments.NONE;
        if (p.skipOperator("(")) {
          args = arguments();
        } else if (startsTestArgument(p.peek())) {
          args = new Expr.Arguments(List.of(postfix(primary())), List.of(), List.of());
        }
        e = new Expr.Test(t.offset(), e, name, negated, args);
      } else if (t.isOperator("(")) {
        p.next();
        e = new Expr.Call(t.offset(), e, arguments());
      } else {
        return e;
      }
    }
  }

  private static boolean startsTestArgument(Token t) {
    boolean bracket = t.isOperator("[") || t.isOperator("{");
    boolean keyword = t.isName("else") || t.isName("or") || t.isName("and") || t.isName("is");
    return bracket || (TEST_ARGUMENT_STARTS.contains(t.kind()) && !keyword);
  }

  private String dottedName() {
    StringBuilder name = new StringBuilder(p.expect(Kind.NAME, null, "a name").text());
    while (p.peek().isOperator(".")) {
      p.next();
      name.append('.').append(p.expect(Kind.NAME, null, "a name").text());
    }
    return name.toString();
  }
}
