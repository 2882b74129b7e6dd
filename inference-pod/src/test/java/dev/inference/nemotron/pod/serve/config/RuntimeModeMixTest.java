package dev.inference.nemotron.pod.serve.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.inference.nemotron.pod.serve.api.ResponseKind;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link ModeMix#choose}: shares over many ids, and the same mode for the same id. */
class RuntimeModeMixTest {

  private static final int IDS = 10_000;

  @Test
  void tenThousandIdsSplitWithinTwoPercentOfTheShares() {
    ModeMix mix = new ModeMix(20, 30, 50);

    Map<RequestMode, Integer> counts = count(mix, "req-");

    assertThat(fraction(counts, RequestMode.AUTOREGRESSIVE)).isCloseTo(0.20, within2());
    assertThat(fraction(counts, RequestMode.DIFFUSION)).isCloseTo(0.30, within2());
    assertThat(fraction(counts, RequestMode.SELF_SPECULATION)).isCloseTo(0.50, within2());
  }

  @Test
  void randomResponseIdsSplitByTheSharesToo() {
    ModeMix mix = new ModeMix(70, 5, 25);
    Map<RequestMode, Integer> counts = new EnumMap<>(RequestMode.class);
    for (int i = 0; i < IDS; i++) {
      counts.merge(mix.choose(ResponseKind.CHAT.newId()), 1, Integer::sum);
    }

    assertThat(fraction(counts, RequestMode.AUTOREGRESSIVE)).isCloseTo(0.70, within2());
    assertThat(fraction(counts, RequestMode.DIFFUSION)).isCloseTo(0.05, within2());
    assertThat(fraction(counts, RequestMode.SELF_SPECULATION)).isCloseTo(0.25, within2());
  }

  @Test
  void theSameIdAlwaysGetsTheSameMode() {
    ModeMix mix = new ModeMix(34, 33, 33);
    for (int i = 0; i < 1000; i++) {
      String id = "cmpl-" + i;
      assertThat(mix.choose(id)).isEqualTo(mix.choose(id)).isEqualTo(mix.choose(new String(id)));
    }
  }

  @Test
  void aZeroShareIsNeverChosenAndAFullShareAlways() {
    for (RequestMode mode : RequestMode.values()) {
      Map<RequestMode, Integer> counts = count(ModeMix.only(mode), "x");
      assertThat(counts).containsOnlyKeys(mode);
      assertThat(ModeMix.only(mode).share(mode)).isEqualTo(100);
    }
    assertThat(count(new ModeMix(50, 0, 50), "y")).doesNotContainKey(RequestMode.DIFFUSION);
  }

  @Test
  void theDefaultMixSelfSpeculatesEverything() {
    assertThat(ModeMix.DEFAULT).isEqualTo(new ModeMix(0, 0, 100));
    assertThat(ModeMix.DEFAULT.choose("anything")).isEqualTo(RequestMode.SELF_SPECULATION);
  }

  @Test
  void sharesArePercentagesThatSumToOneHundred() {
    assertThatThrownBy(() -> new ModeMix(20, 30, 40))
        .hasMessage(
            "shares must sum to 100, got 90 (autoregressive 20 + diffusion 30 + selfSpeculation"
                + " 40)");
    assertThatThrownBy(() -> new ModeMix(-10, 60, 50))
        .hasMessageContaining("autoregressive must be between 0 and 100, got -10");
  }

  @Test
  void modeNamesMatchTheApi() {
    assertThat(RequestMode.apiNames())
        .containsExactly("autoregressive", "diffusion", "self-speculation");
    assertThat(RequestMode.fromApiName("self-speculation")).contains(RequestMode.SELF_SPECULATION);
    assertThat(RequestMode.fromApiName("selfSpeculation")).isEmpty();
  }

  private static Map<RequestMode, Integer> count(ModeMix mix, String prefix) {
    Map<RequestMode, Integer> counts = new EnumMap<>(RequestMode.class);
    for (int i = 0; i < IDS; i++) {
      counts.merge(mix.choose(prefix + i), 1, Integer::sum);
    }
    return counts;
  }

  private static double fraction(Map<RequestMode, Integer> counts, RequestMode mode) {
    return counts.getOrDefault(mode, 0) / (double) IDS;
  }

  private static org.assertj.core.data.Offset<Double> within2() {
    return org.assertj.core.data.Offset.offset(0.02);
  }
}
