package dev.inference.nemotron.pod.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class TokenPickerTest {
  private static final int MASK = 2;

  private static SamplingParams sampling(double t, int topK, double topP, long seed) {
    return new SamplingParams(t, topK, topP, seed, 10, List.of(), List.of());
  }

  /** Logits whose softmax at T = 1 is proportional to {@code weights}. */
  private static float[] logitsFor(double... weights) {
    float[] logits = new float[weights.length];
    for (int i = 0; i < weights.length; i++) {
      logits[i] = (float) Math.log(weights[i]);
    }
    return logits;
  }

  @Test
  void greedyPicksTheLowestIdAmongTies() {
    TokenPicker picker = new TokenPicker(SamplingParams.greedy(1), MASK);
    assertThat(picker.pick(new float[] {1, 5, 0, 5, 5}, 0)).isEqualTo(1);
    assertThat(picker.pick(new float[] {-3, -3, -3}, 0)).isZero();
  }

  @Test
  void maskIsNeverPickedEvenWithTheLargestLogit() {
    float[] logits = {1, 0.5f, 40, 1.2f, 0.1f};
    assertThat(new TokenPicker(SamplingParams.greedy(1), MASK).pick(logits, 0)).isEqualTo(3);
    TokenPicker sampler = new TokenPicker(sampling(5.0, 0, 1, 9), MASK);
    for (int position = 0; position < 2000; position++) {
      assertThat(sampler.pick(logits, position)).isNotEqualTo(MASK);
    }
    assertThat(sampler.candidates(logits).ids()).containsExactly(0, 1, 3, 4);
  }

  @Test
  void topKKeepsTheKMostLikelyTiesToLowestId() {
    float[] logits = {3, 1, 9, 3, 5, 3};
    TokenPicker picker = new TokenPicker(sampling(1, 3, 1, 0), MASK);
    // Mask (id 2) excluded; order: 4 (5), then 0, 3, 5 tied at 3: ids 0 and 3 win.
    TokenPicker.Candidates c = picker.candidates(logits);
    assertThat(c.ids()).containsExactly(0, 3, 4);
    double z = Math.exp(3) * 2 + Math.exp(5);
    assertThat(c.probabilities()[0]).isCloseTo(Math.exp(3) / z, within(1e-9));
    assertThat(c.probabilities()[2]).isCloseTo(Math.exp(5) / z, within(1e-9));
  }

  @Test
  void topPKeepsTheSmallestMostLikelySetReachingP() {
    // Probabilities 0.5, 0.3, (mask), 0.15, 0.05 after the mask is excluded.
    float[] logits = logitsFor(0.5, 0.3, 1e-30, 0.15, 0.05);
    assertThat(new TokenPicker(sampling(1, 0, 0.8, 0), MASK).candidates(logits).ids())
        .containsExactly(0, 1);
    assertThat(new TokenPicker(sampling(1, 0, 0.81, 0), MASK).candidates(logits).ids())
        .containsExactly(0, 1, 3);
    assertThat(new TokenPicker(sampling(1, 0, 0.4, 0), MASK).candidates(logits).ids())
        .containsExactly(0);
    TokenPicker.Candidates both = new TokenPicker(sampling(1, 3, 0.9, 0), MASK).candidates(logits);
    // Top-3 renormalised: 0.5/0.95, 0.3/0.95, 0.15/0.95; the first two reach only 0.842 < 0.9.
    assertThat(both.ids()).containsExactly(0, 1, 3);
    assertThat(both.probabilities()[0]).isCloseTo(0.5 / 0.95, within(1e-6));
  }

  @Test
  void temperatureScalesTheLogitsBeforeFiltering() {
    float[] logits = logitsFor(0.6, 0.4, 1e-30, 1e-30);
    TokenPicker.Candidates hot = new TokenPicker(sampling(2, 0, 1, 0), MASK).candidates(logits);
    double a = Math.sqrt(0.6);
    double b = Math.sqrt(0.4);
    assertThat(hot.probabilities()[0]).isCloseTo(a / (a + b), within(1e-6));
  }

  @Test
  void sampleFrequenciesFollowTheFilteredDistribution() {
    float[] logits = logitsFor(0.1, 0.2, 0.05, 0.3, 0.35);
    TokenPicker picker = new TokenPicker(sampling(1, 0, 1, 42), MASK);
    int[] counts = new int[5];
    int n = 40_000;
    for (int position = 0; position < n; position++) {
      counts[picker.pick(logits, position)]++;
    }
    double[] expected = {0.1 / 0.95, 0.2 / 0.95, 0, 0.3 / 0.95, 0.35 / 0.95};
    for (int t = 0; t < 5; t++) {
      // 4.5 standard deviations of a binomial proportion.
      double sd = Math.sqrt(expected[t] * (1 - expected[t]) / n);
      assertThat((double) counts[t] / n)
          .as("token " + t)
          .isCloseTo(expected[t], within(4.5 * sd + 1e-12));
    }
  }

  @Test
  void drawsDependOnlyOnSeedAndPosition() {
    float[] logits = logitsFor(0.25, 0.25, 0.01, 0.25, 0.25);
    TokenPicker a = new TokenPicker(sampling(1, 0, 1, 7), MASK);
    TokenPicker b = new TokenPicker(sampling(1, 0, 1, 7), MASK);
    TokenPicker other = new TokenPicker(sampling(1, 0, 1, 8), MASK);
    int differences = 0;
    for (int position = 0; position < 200; position++) {
      assertThat(a.pick(logits, position)).isEqualTo(b.pick(logits, position));
      assertThat(a.draw(position)).isEqualTo(a.draw(position)).isBetween(0.0, 1.0);
      differences += a.pick(logits, position) != other.pick(logits, position) ? 1 : 0;
    }
    assertThat(differences).isGreaterThan(100);
  }

  @Test
  void confidenceIsTheRawSoftmaxOfTheWholeRow() {
    float[] logits = {1, 2, 3};
    double z = Math.exp(1) + Math.exp(2) + Math.exp(3);
    assertThat(TokenPicker.confidence(logits, 2)).isCloseTo(Math.exp(3) / z, within(1e-12));
    assertThat(TokenPicker.confidence(new float[] {1000, 0}, 0)).isCloseTo(1.0, within(1e-12));
  }

  @Test
  void samplingParamsRejectBadValuesNamingTheField() {
    assertThatThrownBy(() -> sampling(-1, 0, 1, 0)).hasMessageContaining("temperature");
    assertThatThrownBy(() -> sampling(Double.NaN, 0, 1, 0)).hasMessageContaining("temperature");
    assertThatThrownBy(() -> sampling(1, -2, 1, 0)).hasMessageContaining("top_k");
    assertThatThrownBy(() -> sampling(1, 0, 0, 0)).hasMessageContaining("top_p");
    assertThatThrownBy(() -> sampling(1, 0, 1.5, 0)).hasMessageContaining("top_p");
    assertThatThrownBy(() -> SamplingParams.greedy(0)).hasMessageContaining("max_tokens");
    assertThatThrownBy(() -> new SamplingParams(0, 0, 1, 0, 5, List.of(-1), List.of()))
        .hasMessageContaining("stop token");
    assertThatThrownBy(() -> new SamplingParams(0, 0, 1, 0, 5, List.of(), List.of("")))
        .hasMessageContaining("stop strings");
  }

  @Test
  void unfilteredSamplingSkipsTheSortButKeepsTheSameDistribution() {
    float[] logits = new float[300];
    java.util.SplittableRandom random = new java.util.SplittableRandom(5);
    for (int i = 0; i < logits.length; i++) {
      logits[i] = (float) (4 * random.nextDouble());
    }
    TokenPicker.Candidates fast = new TokenPicker(sampling(0.7, 0, 1, 0), MASK).candidates(logits);
    // top-k of every non-mask token takes the sorting path and must agree.
    TokenPicker.Candidates sorted =
        new TokenPicker(sampling(0.7, logits.length - 1, 1, 0), MASK).candidates(logits);
    assertThat(fast.ids()).containsExactly(sorted.ids()).doesNotContain(MASK).hasSize(299);
    for (int q = 0; q < fast.ids().length; q++) {
      assertThat(fast.probabilities()[q]).isCloseTo(sorted.probabilities()[q], within(1e-12));
    }
  }

  @Test
  void nanLogitsAreReportedNotPicked() {
    assertThatThrownBy(() -> TokenPicker.argmax(new float[] {0, Float.NaN}, -1))
        .hasMessageContaining("NaN");
  }

  /**
   * An Inf weight makes logits infinite (or NaN): every way of picking refuses them, naming the
   * token and value and pointing at the weights, instead of emitting garbage.
   */
  @Test
  void everyNonFiniteLogitFailsNamingTheTokenAndTheWeights() {
    for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
      float[] logits = {0.5f, 1f, 0f, bad, 0.25f};
      String expected = "the forward pass produced a non-finite logit: token id 3 of 5 is " + bad;
      TokenPicker greedy = new TokenPicker(SamplingParams.greedy(1), MASK);
      TokenPicker sampled = new TokenPicker(sampling(1, 0, 1, 1), MASK);
      TokenPicker topK = new TokenPicker(sampling(1, 2, 1, 1), MASK);
      TokenPicker topP = new TokenPicker(sampling(1, 0, 0.5, 1), MASK);
      List<org.assertj.core.api.ThrowableAssert.ThrowingCallable> calls =
          List.of(
              () -> greedy.pick(logits, 0),
              () -> sampled.pick(logits, 0),
              () -> sampled.pick(logits, 0, 4),
              () -> topK.pick(logits, 0),
              () -> topP.pick(logits, 0),
              () -> sampled.candidates(logits),
              () -> TokenPicker.argmax(logits, MASK),
              () -> TokenPicker.confidence(logits, 1));
      for (var call : calls) {
        assertThatThrownBy(call)
            .isInstanceOf(IllegalStateException.class)
            .hasMessageStartingWith(expected)
            .hasMessageContaining("the checkpoint's weights likely hold Inf or NaN values")
            .hasMessageContaining("scan them");
      }
    }
    // Even the mask's logit: no finite network produces it.
    assertThatThrownBy(() -> TokenPicker.argmax(new float[] {0, 1, Float.NaN}, 2))
        .hasMessageContaining("token id 2 of 3 is NaN");
  }

  @Test
  void stepZeroIsTodaysDrawAndPick() {
    long seed = 0x5EEDL;
    TokenPicker picker = new TokenPicker(sampling(1, 0, 1, seed), MASK);
    float[] logits = logitsFor(0.2, 0.2, 0.01, 0.3, 0.29);
    for (int position = 0; position < 500; position++) {
      double today =
          new java.util.SplittableRandom(seed ^ ((position + 1L) * 0x9E3779B97F4A7C15L))
              .nextDouble();
      assertThat(picker.draw(position, 0)).isEqualTo(today).isEqualTo(picker.draw(position));
      assertThat(picker.pick(logits, position, 0)).isEqualTo(picker.pick(logits, position));
    }
  }

  @Test
  void everyDenoisingStepDrawsFreshNoise() {
    TokenPicker picker = new TokenPicker(sampling(1, 0, 1, 99), MASK);
    java.util.Set<Double> draws = new java.util.HashSet<>();
    double sum = 0;
    int n = 0;
    for (int position = 0; position < 200; position++) {
      for (int step = 0; step < 64; step++) {
        double u = picker.draw(position, step);
        assertThat(u).isBetween(0.0, 1.0);
        draws.add(u);
        sum += u;
        n++;
      }
    }
    assertThat(draws).as("no two (position, step) pairs share a draw").hasSize(n);
    assertThat(sum / n).isCloseTo(0.5, within(0.01));
    // A flat row: the token changes with the step, not only with the position.
    float[] flat = {0, 0, 0, 0, 0, 0, 0, 0};
    java.util.Set<Integer> tokens = new java.util.HashSet<>();
    for (int step = 1; step <= 32; step++) {
      tokens.add(picker.pick(flat, 7, step));
    }
    assertThat(tokens).hasSizeGreaterThan(4).doesNotContain(MASK);
    assertThatThrownBy(() -> picker.draw(0, -1)).hasMessageContaining("step must be >= 0");
  }

  @Test
  void greedyPicksIgnoreTheStep() {
    TokenPicker picker = new TokenPicker(SamplingParams.greedy(1), MASK);
    assertThat(picker.pick(new float[] {1, 5, 9, 5}, 3, 17)).isEqualTo(1);
  }
}
