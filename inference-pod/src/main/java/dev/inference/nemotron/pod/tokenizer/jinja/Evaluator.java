package dev.inference.nemotron.pod.tokenizer.jinja;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Renders a statement tree: executes statements into the output and evaluates expressions. */
final class Evaluator {
  /** How a statement list ended: normally, or by {@code break} / {@code continue}. */
  private enum Flow {
    NORMAL,
    BREAK,
    CONTINUE
  }

  private static final int MAX_CALL_DEPTH = 200;

  private final Source source;
  private int callDepth;

  Evaluator(Source source) {
    this.source = source;
  }

  String render(List<Node> nodes, Scope scope) {
    StringBuilder out = new StringBuilder();
    execute(nodes, scope, out);
    return out.toString();
  }

  private Flow execute(List<Node> nodes, Scope scope, StringBuilder out) {
    for (Node node : nodes) {
      Flow flow = execute(node, scope, out);
      if (flow != Flow.NORMAL) {
        return flow;
      }
    }
    return Flow.NORMAL;
  }

  private Flow execute(Node node, Scope scope, StringBuilder out) {
    switch (node) {
      case Node.Text t -> out.append(t.text());
      case Node.Output o -> out.append(Values.str(evaluate(o.expression(), scope)));
      case Node.If i -> {
        for (Node.Branch branch : i.branches()) {
          if (Values.truthy(evaluate(branch.condition(), scope))) {
            return execute(branch.body(), scope, out);
          }
        }
        return execute(i.otherwise(), scope, out);
      }
      case Node.For f -> {
        return loop(f, scope, out);
      }
      case Node.Set s -> assign(s.target(), evaluate(s.value(), scope), scope);
      case Node.SetBlock s -> {
        StringBuilder captured = new StringBuilder();
        execute(s.body(), scope, captured);
        scope.set(s.name(), captured.toString());
      }
      case Node.Macro m -> scope.set(m.name(), macro(m, scope));
      case Node.LoopControl c -> {
        return c.isBreak() ? Flow.BREAK : Flow.CONTINUE;
      }
      case Node.Block b -> {
        return execute(b.body(), scope, out);
      }
    }
    return Flow.NORMAL;
  }

  private Flow loop(Node.For f, Scope scope, StringBuilder out) {
    List<Object> items = at(f.iterable(), () -> Values.iterate(evaluate(f.iterable(), scope)));
    if (f.filter() != null) {
      List<Object> kept = new ArrayList<>();
      for (Object item : items) {
        Scope probe = new Scope(scope);
        assign(f.target(), item, probe);
        if (Values.truthy(evaluate(f.filter(), probe))) {
          kept.add(item);
        }
      }
      items = kept;
    }
    if (items.isEmpty()) {
      return execute(f.otherwise(), scope, out);
    }
    Loop loop = new Loop(items);
    for (int i = 0; i < items.size(); i++) {
      Scope iteration = new Scope(scope);
      loop.moveTo(i);
      iteration.set("loop", loop);
      assign(f.target(), items.get(i), iteration);
      if (execute(f.body(), iteration, out) == Flow.BREAK) {
        break;
      }
    }
    return Flow.NORMAL;
  }

  private void assign(Expr target, Object value, Scope scope) {
    switch (target) {
      case Expr.Name n -> scope.set(n.name(), value);
      case Expr.TupleOf t -> {
        List<Object> values = at(target, () -> Values.iterate(value));
        if (values.size() != t.items().size()) {
          throw source.error(
              target.offset(),
              "cannot unpack " + values.size() + " values into " + t.items().size() + " names");
        }
        for (int i = 0; i < values.size(); i++) {
          assign(t.items().get(i), values.get(i), scope);
        }
      }
      case Expr.Attribute a -> {
        Object object = evaluate(a.object(), scope);
        if (!(object instanceof Namespace ns)) {
          throw source.error(
              target.offset(),
              "can only set attributes of a namespace(), not of " + Values.typeName(object));
        }
        ns.attributes.put(a.name(), value);
      }
      default -> throw source.error(target.offset(), "cannot assign to this expression");
    }
  }

  private Callable macro(Node.Macro m, Scope definition) {
    return (args, named) -> {
      if (args.size() > m.params().size()) {
        throw new EvalError(
            "macro '"
                + m.name()
                + "' takes "
                + m.params().size()
                + " arguments, got "
                + args.size());
      }
      Scope call = new Scope(definition);
      int firstDefault = m.params().size() - m.defaults().size();
      for (int i = 0; i < m.params().size(); i++) {
        String param = m.params().get(i);
        Object value;
        if (i < args.size()) {
          value = args.get(i);
        } else if (named.containsKey(param)) {
          value = named.get(param);
        } else if (i >= firstDefault) {
          value = evaluate(m.defaults().get(i - firstDefault), definition);
        } else {
          value = new Undefined("parameter '" + param + "' was not provided");
        }
        call.set(param, value);
      }
      callDepth++;
      try {
        if (callDepth > MAX_CALL_DEPTH) {
          throw new EvalError("macro calls nested deeper than " + MAX_CALL_DEPTH);
        }
        StringBuilder out = new StringBuilder();
        execute(m.body(), call, out);
        return out.toString();
      } finally {
        callDepth--;
      }
    };
  }

  /** Runs {@code action}, reporting a failure at {@code expr}'s position. */
  private <T> T at(Expr expr, java.util.function.Supplier<T> action) {
    try {
      return action.get();
    } catch (Globals.Raised e) {
      throw source.raised(expr.offset(), e.getMessage());
    } catch (EvalError | ArithmeticException e) {
      throw source.error(expr.offset(), e.getMessage());
    }
  }

  Object evaluate(Expr expr, Scope scope) {
    return at(expr, () -> compute(expr, scope));
  }

  private Object compute(Expr expr, Scope scope) {
    return switch (expr) {
      case Expr.Literal l -> l.value();
      case Expr.Name n -> scope.get(n.name());
      case Expr.ListOf l -> evaluateAll(l.items(), scope);
      case Expr.TupleOf t -> new Values.Tuple(evaluateAll(t.items(), scope));
      case Expr.DictOf d -> {
        Map<Object, Object> dict = new LinkedHashMap<>();
        for (int i = 0; i < d.keys().size(); i++) {
          Object key = Values.hashable(evaluate(d.keys().get(i), scope));
          Object value = evaluate(d.values().get(i), scope);
          // Python merges keys that are equal across types (1 and true): keep the first key
          java.util.Optional<Object> existing =
              dict.keySet().stream().filter(k -> Values.equal(k, key)).findFirst();
          dict.put(existing.orElse(key), value);
        }
        yield dict;
      }
      case Expr.Attribute a -> Members.attribute(evaluate(a.object(), scope), a.name());
      case Expr.Item i -> Members.item(evaluate(i.object(), scope), evaluate(i.key(), scope));
      case Expr.Slice s ->
          Members.slice(
              evaluate(s.object(), scope),
              optional(s.start(), scope),
              optional(s.stop(), scope),
              optional(s.step(), scope));
      case Expr.Call c -> call(c, scope);
      case Expr.Filter f -> filter(f, scope);
      case Expr.Test t -> {
        Object value = evaluate(t.operand(), scope);
        boolean result =
            Tests.apply(t.name(), value, evaluateAll(t.arguments().positional(), scope));
        yield result != t.negated();
      }
      case Expr.Unary u -> unary(u, scope);
      case Expr.Binary b -> binary(b, scope);
      case Expr.Compare c -> compare(c, scope);
      case Expr.Conditional c ->
          Values.truthy(evaluate(c.condition(), scope))
              ? evaluate(c.then(), scope)
              : c.otherwise() == null
                  ? new Undefined("the conditional expression had no else")
                  : evaluate(c.otherwise(), scope);
    };
  }

  private Object optional(Expr expr, Scope scope) {
    return expr == null ? null : evaluate(expr, scope);
  }

  private List<Object> evaluateAll(List<Expr> exprs, Scope scope) {
    List<Object> values = new ArrayList<>();
    for (Expr e : exprs) {
      values.add(evaluate(e, scope));
    }
    return values;
  }

  private Map<String, Object> named(Expr.Arguments args, Scope scope) {
    Map<String, Object> named = new HashMap<>();
    for (int i = 0; i < args.names().size(); i++) {
      named.put(args.names().get(i), evaluate(args.named().get(i), scope));
    }
    return named;
  }

  private Object call(Expr.Call c, Scope scope) {
    Object callee = evaluate(c.callee(), scope);
    if (callee instanceof Undefined u) {
      throw u.error();
    }
    if (!(callee instanceof Callable function)) {
      throw new EvalError("'" + Values.typeName(callee) + "' object is not callable");
    }
    return function.call(
        evaluateAll(c.arguments().positional(), scope), named(c.arguments(), scope));
  }

  private Object filter(Expr.Filter f, Scope scope) {
    Object value = evaluate(f.operand(), scope);
    List<Object> positional = evaluateAll(f.arguments().positional(), scope);
    Map<String, Object> named = named(f.arguments(), scope);
    Filters.Call call = new Filters.Call(f.name(), value, positional, named);
    return Selections.NAMES.contains(f.name()) ? Selections.apply(call) : Filters.apply(call);
  }

  private Object unary(Expr.Unary u, Scope scope) {
    Object v = evaluate(u.operand(), scope);
    return switch (u.operator()) {
      case "not" -> !Values.truthy(v);
      default -> Operators.sign(u.operator(), v);
    };
  }

  private Object binary(Expr.Binary b, Scope scope) {
    Object left = evaluate(b.left(), scope);
    return switch (b.operator()) {
      case "and" -> Values.truthy(left) ? evaluate(b.right(), scope) : left;
      case "or" -> Values.truthy(left) ? left : evaluate(b.right(), scope);
      case "~" -> Values.str(left) + Values.str(evaluate(b.right(), scope));
      default -> Operators.binary(b.operator(), left, evaluate(b.right(), scope));
    };
  }

  private Object compare(Expr.Compare c, Scope scope) {
    Object left = evaluate(c.first(), scope);
    for (int i = 0; i < c.operators().size(); i++) {
      Object right = evaluate(c.operands().get(i), scope);
      boolean holds =
          switch (c.operators().get(i)) {
            case "==" -> Values.equal(left, right);
            case "!=" -> !Values.equal(left, right);
            case "<" -> Values.compare(left, right) < 0;
            case "<=" -> Values.compare(left, right) <= 0;
            case ">" -> Values.compare(left, right) > 0;
            case ">=" -> Values.compare(left, right) >= 0;
            case "in" -> Values.contains(right, left);
            default -> !Values.contains(right, left);
          };
      if (!holds) {
        return false;
      }
      left = right;
    }
    return true;
  }
}
