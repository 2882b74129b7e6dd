package dev.inference.nemotron.pod.decode;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link TokenPicker} selects top-k/top-p candidates without sorting the vocabulary; {@link
 * ReferenceTokenPicker} is the sort-based picker it replaced. Over many random rows, filters,
 * temperatures, seeds and positions both must keep the same tokens with bit-identical
 * probabilities, and so pick the same token.
 */
class TokenPickerEquivalenceTest {
  private static final int[] SIZES = {2, 3, 7, 50, 300, 1024, 1025, 1100, 3000, 20_000};
  private static final double[] TOP_P = {1, 0.999_999_999, 0.99, 0.95, 0.9, 0.8, 0.5, 0.3, 1e-6};
  private static final double[] TEMPERATURES = {0.01, 0.2, 0.7, 1, 1.3, 2.5, 10, 1000};

  @Test
  void picksExactlyTheTokensOfTheSortingPickerOnRandomRows() {
    SplittableRandom random = new SplittableRandom(20_251_207);
    for (int c = 0; c < 3000; c++) {
      int n = SIZES[random.nextInt(SIZES.length)];
      checkSame(random, row(random, n), n);
    }
  }

  @Test
  void picksExactlyTheTokensOfTheSortingPickerOnFullVocabularyRows() {
    SplittableRandom random = new SplittableRandom(131_072);
    for (int c = 0; c < 24; c++) {
      checkSame(random, row(random, 131_072), 131_072);
    }
  }

  /** Equal logits put the nucleus cut exactly on rounding boundaries: the fallback must agree. */
  @Test
  void agreesWhereTheNucleusCutIsDecidedByRounding() {
    SplittableRandom random = new SplittableRandom(7);
    for (int n : new int[] {1025, 2048, 4096, 5000}) {
      float[] flat = new float[n];
      java.util.Arrays.fill(flat, 0.25f);
      for (int j : new int[] {1, 2, 3, 10, 100, 1000, 1024, 1025, n / 3, n / 2, n - 2}) {
        double p = (double) j / (n - 1);
        SamplingParams params =
            new SamplingParams(1, 0, Math.min(1, p), 3, 10, List.of(), List.of());
        compare(params, 2, flat, random.nextInt(1 << 20), "flat n=" + n + " j=" + j);
      }
    }
  }

  /** The prefix path is the point: on model-like rows it decides the nucleus by itself. */
  @Test
  void topPUsuallyDecidesFromThePrefixWithoutSortingTheRow() {
    SplittableRandom random = new SplittableRandom(11);
    int decided = 0;
    for (int c = 0; c < 50; c++) {
      float[] logits = zipf(random, 131_072);
      double t = new double[] {0.6, 0.8, 1.0}[c % 3];
      double p = new double[] {0.5, 0.9, 0.95, 0.99}[c % 4];
      SamplingParams params = new SamplingParams(t, 0, p, c, 10, List.of(), List.of());
      TokenPicker picker = new TokenPicker(params, 100);
      TokenPicker.Candidates fast = picker.nucleusFromPrefix(logits, 1 / t, 131_071);
      TokenPicker.Candidates reference = new ReferenceTokenPicker(params, 100).candidates(logits);
      if (reference.ids().length <= 8 * TokenPicker.PARTIAL_LIMIT) {
        assertThat(fast).as("a nucleus of %d tokens", reference.ids().length).isNotNull();
        decided++;
      }
      if (fast != null) {
        assertThat(fast.ids()).containsExactly(reference.ids());
        assertThat(fast.probabilities()).containsExactly(reference.probabilities());
      }
    }
    assertThat(decided).isGreaterThan(25);
  }

  private static void checkSame(SplittableRandom random, float[] logits, int n) {
    int[] masks = {-1, 0, 2, n - 1, n + 5};
    int mask = masks[random.nextInt(masks.length)];
    int count = n - (mask >= 0 && mask < n ? 1 : 0);
    if (count == 0) {
      return;
    }
    List<Integer> ks = new ArrayList<>(List.of(0, 1, 2, 3, 10, 40, 1000, 1024, 1025));
    ks.addAll(List.of(count - 1, count, n, n + 3));
    int k = Math.max(0, ks.get(random.nextInt(ks.size())));
    double p =
        random.nextInt(4) == 0 ? random.nextDouble(1e-9, 1) : TOP_P[random.nextInt(TOP_P.length)];
    double t = TEMPERATURES[random.nextInt(TEMPERATURES.length)];
    SamplingParams params =
        new SamplingParams(t, k, p, random.nextLong(), 10, List.of(), List.of());
    compare(params, mask, logits, random.nextInt(1 << 20), "n=" + n + " " + params);
  }

  private static void compare(
      SamplingParams params, int mask, float[] logits, int position, String what) {
    TokenPicker picker = new TokenPicker(params, mask);
    ReferenceTokenPicker reference = new ReferenceTokenPicker(params, mask);
    TokenPicker.Candidates expected = reference.candidates(logits);
    TokenPicker.Candidates actual = picker.candidates(logits);
    assertThat(actual.ids()).as(what).containsExactly(expected.ids());
    for (int q = 0; q < expected.ids().length; q++) {
      assertThat(Double.doubleToRawLongBits(actual.probabilities()[q]))
          .as("%s: probability of token %d", what, expected.ids()[q])
          .isEqualTo(Double.doubleToRawLongBits(expected.probabilities()[q]));
    }
    for (int d = 0; d < 3; d++) {
      assertThat(picker.pick(logits, position + d))
          .as(what)
          .isEqualTo(reference.pick(logits, position + d));
    }
  }

  /** A random row of one of several shapes: smooth, tied, flat, peaked, bf16, model-like. */
  private static float[] row(SplittableRandom random, int n) {
    float[] logits = new float[n];
    int shape = random.nextInt(7);
    double scale = new double[] {0.1, 1, 3, 10}[random.nextInt(4)];
    for (int i = 0; i < n; i++) {
      double g = gaussian(random);
      logits[i] =
          switch (shape) {
            case 0 -> (float) (g * scale);
            case 1 -> (float) (Math.round(g * 4) / 4.0); // many ties
            case 2 -> 1.5f; // all tied
            case 3 -> (float) (g * 2 + (random.nextInt(n) < 3 ? 15 : 0)); // a few dominate
            case 4 -> Float.intBitsToFloat(Float.floatToIntBits((float) (g * scale)) & 0xffff0000);
            case 5 -> i % 2 == 0 ? 0f : -1f;
            default -> 0;
          };
    }
    return shape == 6 ? zipf(random, n) : logits;
  }

  /** Logits whose softmax follows a Zipf law over a shuffled vocabulary, like a language model. */
  private static float[] zipf(SplittableRandom random, int n) {
    float[] logits = new float[n];
    for (int i = 0; i < n; i++) {
      logits[i] = (float) (-1.1 * Math.log(i + 1) + 0.3 * gaussian(random));
    }
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      float swap = logits[i];
      logits[i] = logits[j];
      logits[j] = swap;
    }
    return logits;
  }

  private static double gaussian(SplittableRandom random) {
    double u = random.nextDouble();
    double v = random.nextDouble();
    return Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
  }
}
