package dev.inference.nemotron.pod.tokenizer.jinja;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PythonTest {
  @Test
  void floatReprIsShortestRoundTripWithPythonExponentRules() {
    assertThat(Python.repr(1.0)).isEqualTo("1.0");
    assertThat(Python.repr(0.1 + 0.2)).isEqualTo("0.30000000000000004");
    assertThat(Python.repr(1e16)).isEqualTo("1e+16");
    assertThat(Python.repr(1e15)).isEqualTo("1000000000000000.0");
    assertThat(Python.repr(0.0001)).isEqualTo("0.0001");
    assertThat(Python.repr(0.00001)).isEqualTo("1e-05");
    assertThat(Python.repr(-2.5e-7)).isEqualTo("-2.5e-07");
    assertThat(Python.repr(Double.MIN_VALUE)).isEqualTo("5e-324");
    assertThat(Python.repr(-0.0)).isEqualTo("-0.0");
    assertThat(Python.repr(Double.NEGATIVE_INFINITY)).isEqualTo("-inf");
  }

  @Test
  void stringReprPicksQuotesAsPython() {
    assertThat(Python.repr("plain")).isEqualTo("'plain'");
    assertThat(Python.repr("it's")).isEqualTo("\"it's\"");
    assertThat(Python.repr("it's \"x\"")).isEqualTo("'it\\'s \"x\"'");
    assertThat(Python.repr("a\nb\\\u0001é")).isEqualTo("'a\\nb\\\\\\x01é'");
  }

  @Test
  void splitWithoutSeparatorSplitsOnWhitespaceRunsAndDropsEmptyParts() {
    assertThat(Python.split("  a \t b\n", null, -1)).containsExactly("a", "b");
    assertThat(Python.split("a,,b", ",", -1)).containsExactly("a", "", "b");
    assertThat(Python.split("a b c", null, 1)).containsExactly("a", "b c");
    assertThat(Python.split("a,b,c", ",", 1)).containsExactly("a", "b,c");
  }

  @Test
  void stripTreatsUnicodeSpacesAsWhitespaceAndCharsAsASet() {
    assertThat(Python.strip("\u00a0\u3000x\u2028", null, true, true)).isEqualTo("x");
    assertThat(Python.strip("\n\nx\n", "\n", true, false)).isEqualTo("x\n");
    assertThat(Python.strip("xyhixy", "yx", true, true)).isEqualTo("hi");
  }
}
