package dev.inference.nemotron.pod.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The Oniguruma-to-Java rewrites; their effect on ids is covered by the parity tests. */
class OnigPatternTest {

  @Test
  void whitespaceClassIsUnicodeAwareLikeOniguruma() {
    Pattern space = OnigPattern.compile("\\s+");
    assertThat(space.matcher("\u00A0\u3000\u0085\u2028\u202F\t").matches()).isTrue();
    assertThat(OnigPattern.compile("\\S").matcher("\u3000").matches()).isFalse();
  }

  @Test
  void caseInsensitiveGroupsFoldBeyondAscii() {
    Pattern contraction = OnigPattern.compile("(?i:'s|'t|'ll)");
    assertThat(contraction.matcher("'S").matches()).isTrue();
    assertThat(contraction.matcher("'LL").matches()).isTrue();
    assertThat(contraction.matcher("'\u017F").matches()).as("long s folds to s").isTrue();
  }

  @Test
  void rewritesScriptNamesNegatedPropertiesAndHexDigits() {
    assertThat(OnigPattern.translate("\\p{Han}+\\p{L}\\p{^N}\\P{^Lu}\\h"))
        .isEqualTo("\\p{IsHan}+\\p{L}\\P{N}\\p{Lu}[0-9a-fA-F]");
    assertThat(OnigPattern.compile("\\p{Han}+").matcher("漢字").matches()).isTrue();
    assertThat(OnigPattern.translate("[\\\\p{L}]")).isEqualTo("[\\\\p{L}]");
  }

  @Test
  void invalidPatternNamesThePattern() {
    assertThatThrownBy(() -> OnigPattern.compile("(unclosed"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("/(unclosed/");
  }
}
