package dev.inference.nemotron.pod.tokenizer.jinja;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ParserTest {
  private static List<Node> parse(String text) {
    return Parser.parse(Source.of("tpl", text));
  }

  private static Expr expression(String text) {
    return ((Node.Output) parse("{{ " + text + " }}").getFirst()).expression();
  }

  @Test
  void filtersBindTighterThanArithmeticAndUnaryMinusTighterThanFilters() {
    Expr e = expression("a + b | length");
    assertThat(e).isInstanceOf(Expr.Binary.class);
    assertThat(((Expr.Binary) e).right()).isInstanceOf(Expr.Filter.class);
    Expr negated = expression("-x | abs");
    assertThat(negated).isInstanceOf(Expr.Filter.class);
    assertThat(((Expr.Filter) negated).operand()).isInstanceOf(Expr.Unary.class);
  }

  @Test
  void notInAndIsNotBecomeOneOperator() {
    Expr.Compare c = (Expr.Compare) expression("a not in b");
    assertThat(c.operators()).containsExactly("notin");
    Expr.Test t = (Expr.Test) expression("a is not none");
    assertThat(t.negated()).isTrue();
    assertThat(t.name()).isEqualTo("none");
  }

  @Test
  void testsTakeOneBareArgumentOrParenthesizedArguments() {
    assertThat(((Expr.Test) expression("n is divisibleby 3")).arguments().positional()).hasSize(1);
    assertThat(((Expr.Test) expression("n is divisibleby(3)")).arguments().positional()).hasSize(1);
    Expr conditional = expression("'a' if x is defined else 'b'");
    assertThat(conditional).isInstanceOf(Expr.Conditional.class);
  }

  @Test
  void slicesKeepAbsentBoundsAsNull() {
    Expr.Slice s = (Expr.Slice) expression("m[::-1]");
    assertThat(s.start()).isNull();
    assertThat(s.stop()).isNull();
    assertThat(s.step()).isInstanceOf(Expr.Unary.class);
  }

  @Test
  void ifElifElseAndForElseBuildTheirBranches() {
    Node.If i = (Node.If) parse("{% if a %}1{% elif b %}2{% else %}3{% endif %}").getFirst();
    assertThat(i.branches()).hasSize(2);
    assertThat(i.otherwise()).hasSize(1);
    Node.For f =
        (Node.For) parse("{% for k, v in d.items() if v %}x{% else %}y{% endfor %}").getFirst();
    assertThat(f.target()).isInstanceOf(Expr.TupleOf.class);
    assertThat(f.filter()).isNotNull();
    assertThat(f.otherwise()).hasSize(1);
  }

  @Test
  void namespaceAttributeIsAnAssignmentTarget() {
    Node.Set s = (Node.Set) parse("{% set ns.count = ns.count + 1 %}").getFirst();
    assertThat(s.target()).isInstanceOf(Expr.Attribute.class);
  }

  @Test
  void syntaxErrorsNameTheTemplateLineAndColumn() {
    assertThatThrownBy(() -> parse("a\n{% if x %}\nb"))
        .isInstanceOf(TemplateException.class)
        .hasMessage(
            "tpl line 3 column 2: missing '{% elif %}' or '{% else %}' or '{% endif %}', found end of template");
    assertThatThrownBy(() -> parse("x\n  {{ a + }}"))
        .hasMessage("tpl line 2 column 10: expected an expression, found end of tag");
    assertThatThrownBy(() -> parse("{% frobnicate %}"))
        .hasMessageStartingWith(
            "tpl line 1 column 4: unknown tag 'frobnicate' (chat templates may use if, for");
    assertThatThrownBy(() -> parse("{% endif %}")).hasMessageContaining("unknown tag 'endif'");
    assertThatThrownBy(() -> parse("{{ f(a=1, 2) }}"))
        .hasMessageContaining("positional argument after a keyword argument");
    TemplateException e =
        (TemplateException)
            org.assertj.core.api.Assertions.catchThrowable(() -> parse("\n\n   {{ ) }}"));
    assertThat(e.line()).isEqualTo(3);
    assertThat(e.column()).isEqualTo(7);
    assertThat(e.templateName()).isEqualTo("tpl");
  }
}
