package dev.inference.nemotron.pod.tokenizer.jinja;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.inference.nemotron.pod.tokenizer.jinja.Token.Kind;
import java.util.List;
import org.junit.jupiter.api.Test;

class LexerTest {
  private static List<Token> lex(String text) {
    return Lexer.tokenize(Source.of("t", text));
  }

  private static List<String> texts(String text) {
    return lex(text).stream().filter(t -> t.kind() == Kind.TEXT).map(Token::text).toList();
  }

  @Test
  void splitsTextVariablesAndBlocksIntoTokens() {
    List<Token> tokens = lex("a{{ x.y }}b{% if n >= 10 %}");
    assertThat(tokens)
        .extracting(Token::kind)
        .containsExactly(
            Kind.TEXT,
            Kind.VARIABLE_BEGIN,
            Kind.NAME,
            Kind.OPERATOR,
            Kind.NAME,
            Kind.VARIABLE_END,
            Kind.TEXT,
            Kind.BLOCK_BEGIN,
            Kind.NAME,
            Kind.NAME,
            Kind.OPERATOR,
            Kind.INTEGER,
            Kind.BLOCK_END,
            Kind.END);
    assertThat(tokens.get(10).text()).isEqualTo(">=");
  }

  @Test
  void trimBlocksDropsOneNewlineAfterABlockTagButNotAfterAVariable() {
    assertThat(texts("{% if x %}\n\nA{{ y }}\nB")).containsExactly("\nA", "\nB");
  }

  @Test
  void lstripBlocksDropsIndentBeforeABlockTagOnlyAtTheStartOfALine() {
    assertThat(texts("a\n    {% if x %}b  {% endif %}")).containsExactly("a\n", "b  ");
  }

  @Test
  void minusStripsAllWhitespaceAndPlusKeepsIt() {
    assertThat(texts("a \n {%- if x -%} \n b")).containsExactly("a", "b");
    assertThat(texts("a\n  {%+ if x +%}\nb")).containsExactly("a\n  ", "\nb");
  }

  @Test
  void commentsDisappearWithTheirWhitespaceRules() {
    assertThat(texts("a\n  {# note #}\nb")).containsExactly("a\n", "b");
  }

  @Test
  void stringLiteralsUnescapeAsPython() {
    Token s = lex("{{ 'tab\\t\\u00e9\\x41\\'q\\\\ \\z' }}").get(1);
    assertThat(s.kind()).isEqualTo(Kind.STRING);
    assertThat(s.text()).isEqualTo("tab\té\u0041'q\\ \\z");
  }

  @Test
  void numbersAfterADotAreIntegersSoNestedIndexesWork() {
    assertThat(lex("{{ a.0.1 }}"))
        .extracting(Token::kind)
        .contains(Kind.INTEGER)
        .doesNotContain(Kind.FLOAT);
    assertThat(lex("{{ 1.5e3 }}").get(1)).isEqualTo(new Token(Kind.FLOAT, "1.5e3", 3));
  }

  @Test
  void closingBracesInsideADictDoNotEndTheVariable() {
    assertThat(lex("{{ {'a': {'b': 1}} }}x"))
        .extracting(Token::kind)
        .contains(Kind.VARIABLE_END)
        .last()
        .isEqualTo(Kind.END);
    assertThat(texts("{{ {'a': {'b': 1}} }}x")).containsExactly("x");
  }

  @Test
  void unterminatedTagsAndCommentsNameTheirPosition() {
    assertThatThrownBy(() -> lex("ok\n  {{ x "))
        .isInstanceOf(TemplateException.class)
        .hasMessage("t line 2 column 3: missing end of tag '}}'");
    assertThatThrownBy(() -> lex("{# never closed"))
        .hasMessage("t line 1 column 1: missing end of comment tag '#}'");
    assertThatThrownBy(() -> lex("{{ 'open }}")).hasMessageContaining("unterminated string");
  }
}
