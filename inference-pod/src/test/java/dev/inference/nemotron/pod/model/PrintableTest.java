package dev.inference.nemotron.pod.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PrintableTest {

  @Test
  void escapesTerminalControlSequencesNewlinesAndTabs() {
    assertThat(Printable.quote("a\u001b[31mred\u001b[0m\nnext\tcol\rback"))
        .isEqualTo("a\\u001b[31mred\\u001b[0m\\nnext\\tcol\\rback");
    assertThat(Printable.quote("\u0000\u0007\u007f\u0085\u009b"))
        .isEqualTo("\\u0000\\u0007\\u007f\\u0085\\u009b");
  }

  @Test
  void escapesBidiOverridesLineSeparatorsAndLoneSurrogates() {
    assertThat(Printable.quote("x\u202eevil\u2066\u2028")).isEqualTo("x\\u202eevil\\u2066\\u2028");
    assertThat(Printable.quote("\ud800a\udc00")).isEqualTo("\\ud800a\\udc00");
  }

  @Test
  void keepsPrintableTextIncludingNonAsciiAndBackslashesUnchanged() {
    String text = "/models/wörld/ĠHello 世界 😀 \\p{L} \"q\"";
    assertThat(Printable.quote(text)).isSameAs(text);
    assertThat(Printable.isPrintable(text)).isTrue();
    assertThat(Printable.isPrintable("a\u001bb")).isFalse();
    assertThat(Printable.quote(null)).isEqualTo("null");
  }
}
