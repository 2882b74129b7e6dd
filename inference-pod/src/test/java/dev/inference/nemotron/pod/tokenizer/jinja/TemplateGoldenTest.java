package dev.inference.nemotron.pod.tokenizer.jinja;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each hand-written template, rendered for every golden conversation and flag combination, equals
 * what Python's jinja2 3.1.6 rendered in Hugging Face's configuration.
 */
class TemplateGoldenTest {
  static final List<String> TEMPLATES =
      List.of(
          "chatml_think", "expressions", "filters", "whitespace", "macros_loops", "alternation");

  static Stream<Goldens.Case> cases() {
    return TEMPLATES.stream().flatMap(name -> Goldens.cases(name).stream());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void rendersExactlyAsJinja2(Goldens.Case golden) {
    Template template =
        Template.parse(golden.template(), Goldens.template(golden.template() + ".jinja"));
    if (golden.error() != null) {
      assertThatThrownBy(() -> template.render(golden.variables()))
          .isInstanceOf(RaisedByTemplateException.class)
          .extracting(e -> ((RaisedByTemplateException) e).reason())
          .isEqualTo(golden.error());
    } else {
      assertThat(template.render(golden.variables())).isEqualTo(golden.expected());
    }
  }

  static Stream<Goldens.Case> snippets() {
    return Stream.concat(
        Goldens.cases("snippets").stream(), Goldens.cases("expressions_fuzz").stream());
  }

  /**
   * Edge cases of the interpreter and 1000 random expressions; where jinja2 failed, ours must fail
   * with an error that names the position.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("snippets")
  void snippetRendersOrFailsAsJinja2(Goldens.Case golden) {
    String source = golden.name();
    if (golden.error() != null) {
      assertThatThrownBy(() -> Template.parse("snippet", source).render(golden.variables()))
          .isInstanceOf(TemplateException.class)
          .hasMessageStartingWith("snippet line 1 column ");
    } else {
      assertThat(Template.parse("snippet", source).render(golden.variables()))
          .isEqualTo(golden.expected());
    }
  }
}
