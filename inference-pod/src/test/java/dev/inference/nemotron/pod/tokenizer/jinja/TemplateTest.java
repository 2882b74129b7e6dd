package dev.inference.nemotron.pod.tokenizer.jinja;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TemplateTest {
  private static String render(String text, Map<String, ?> variables) {
    return Template.parse("t", text).render(variables);
  }

  @Test
  void setInsideALoopDoesNotLeakButNamespaceAttributesDo() {
    String text =
        "{% set x = 'out' %}{% set ns = namespace(n=0) %}"
            + "{% for i in [1, 2] %}{% set x = i %}{% set ns.n = ns.n + i %}{% endfor %}{{ x }} {{ ns.n }}";
    assertThat(render(text, Map.of())).isEqualTo("out 3");
  }

  @Test
  void setInsideAnIfChangesTheEnclosingScope() {
    assertThat(render("{% if true %}{% set x = 1 %}{% endif %}{{ x }}", Map.of())).isEqualTo("1");
  }

  @Test
  void javaValuesBecomePythonValues() {
    Map<String, Object> variables =
        Map.of(
            "i",
            3,
            "f",
            1.5f,
            "b",
            true,
            "list",
            Arrays.asList(1, null, "s"),
            "map",
            Map.of("k", 2L));
    assertThat(render("{{ i + 1 }} {{ f }} {{ b }} {{ list }} {{ map.k * 2 }}", variables))
        .isEqualTo("4 1.5 True [1, None, 's'] 4");
  }

  @Test
  void unsupportedJavaValueIsRejectedNamingTheVariable() {
    assertThatThrownBy(() -> render("{{ x }}", Map.of("x", List.of(new Object()))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("template variable x[0]");
  }

  @Test
  void undefinedValuesPrintEmptyButFailWhenUsed() {
    assertThat(
            render("[{{ missing }}][{{ missing | length }}][{{ missing is defined }}]", Map.of()))
        .isEqualTo("[][0][False]");
    assertThatThrownBy(() -> render("ok\n{{ missing.attr }}", Map.of()))
        .isInstanceOf(TemplateException.class)
        .hasMessage("t line 2 column 11: 'missing' is undefined");
    assertThatThrownBy(() -> render("{{ 1 + missing }}", Map.of()))
        .hasMessageContaining("'missing' is undefined");
  }

  @Test
  void typeErrorsAreReportedAtTheFailingExpression() {
    assertThatThrownBy(() -> render("{{ 'a' + 1 }}", Map.of()))
        .hasMessage("t line 1 column 8: can only concatenate str (not \"int\") to str");
    assertThatThrownBy(() -> render("{{ 1 // 0 }}", Map.of())).hasMessageContaining("by zero");
    assertThatThrownBy(() -> render("{{ x.append(1) }}", Map.of("x", List.of())))
        .hasMessageContaining("unsafe");
    assertThatThrownBy(() -> render("{% for x in 5 %}{% endfor %}", Map.of()))
        .hasMessage("t line 1 column 13: 'int' object is not iterable");
  }

  @Test
  void raiseExceptionCarriesTheTemplateMessageAndPosition() {
    assertThatThrownBy(() -> render("\n  {{ raise_exception('no ' ~ 'way') }}", Map.of()))
        .isInstanceOfSatisfying(
            RaisedByTemplateException.class,
            e -> {
              assertThat(e.reason()).isEqualTo("no way");
              assertThat(e.line()).isEqualTo(2);
            });
  }

  @Test
  void selectionFiltersBehaveAsJinjaGeneratorsAlwaysTrueOnePassNoLength() {
    Map<String, Object> vars = Map.of("xs", List.of(1, 2, 3));
    assertThat(render("{% if xs | select('gt', 5) %}true{% endif %}", vars)).isEqualTo("true");
    assertThat(render("{% set g = xs | select('odd') %}{{ g | list }}{{ g | list }}", vars))
        .isEqualTo("[1, 3][]");
    assertThatThrownBy(() -> render("{{ xs | select('odd') | length }}", vars))
        .hasMessageContaining("object of type 'generator' has no len()");
    assertThat(render("{{ xs | select('odd') | list | length }}", vars)).isEqualTo("2");
  }

  @Test
  void variablesShadowGlobals() {
    assertThat(render("{{ range }}", Map.of("range", "mine"))).isEqualTo("mine");
  }

  @Test
  void aParsedTemplateRendersManyTimesIndependently() {
    Template t =
        Template.parse(
            "t",
            "{% set ns = namespace(n=0) %}{% for x in xs %}{% set ns.n = ns.n + x %}{% endfor %}{{ ns.n }}");
    assertThat(t.render(Map.of("xs", List.of(1, 2)))).isEqualTo("3");
    assertThat(t.render(Map.of("xs", List.of(5)))).isEqualTo("5");
  }

  @Test
  void runawayRecursionFailsInsteadOfOverflowingTheStack() {
    assertThatThrownBy(
            () -> render("{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}", Map.of()))
        .isInstanceOf(TemplateException.class)
        .hasMessageContaining("nested deeper than");
  }
}
