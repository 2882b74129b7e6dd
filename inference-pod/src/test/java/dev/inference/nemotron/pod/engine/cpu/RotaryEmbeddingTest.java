package dev.inference.nemotron.pod.engine.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.inference.nemotron.pod.model.RopeParameters;
import org.junit.jupiter.api.Test;

class RotaryEmbeddingTest {
  /** The 14B config of MODEL.md §2. */
  private static final RopeParameters FOURTEEN_B =
      new RopeParameters("yarn", 1e9, 16.0, 16384, 32.0, 1.0, 1.0, 1.0, null, true, 0.1);

  /**
   * Hand-computed for dim 128: low = floor(128 ln(16384 / 64 pi) / (2 ln 1e9)) = 13, high =
   * ceil(128 ln(16384 / 2 pi) / (2 ln 1e9)) = 25; below low the original frequency 1e9^(-2i/128) is
   * kept, above high it is divided by 16, in between ramp (i - 13) / 12 mixes them.
   */
  @Test
  void yarnInverseFrequenciesOfThe14BConfigMatchHandComputedValues() {
    double[] inv = RotaryEmbedding.inverseFrequencies(FOURTEEN_B, 128);
    assertThat(inv).hasSize(64);
    assertRelative(inv[0], 1.0);
    assertRelative(inv[13], 0.014855080171727751); // 1e9^(-26/128), ramp 0
    assertRelative(inv[14], 0.009906540917337144); // ramp 1/12
    assertRelative(inv[20], 0.0006977792071207072); // ramp 7/12
    assertRelative(inv[25], 1.906579931416891e-05); // 1e9^(-50/128) / 16, ramp 1
    assertRelative(inv[63], 8.639826420986872e-11);
    assertThat(RotaryEmbedding.attentionFactor(FOURTEEN_B)).isEqualTo(1.0);
  }

  @Test
  void engineFrequenciesAgreeWithTheReferenceTranscription() {
    double[] engine = RotaryEmbedding.inverseFrequencies(RandomModel.YARN, 16);
    double[] reference = ReferenceNetwork.yarnInverseFrequencies(RandomModel.YARN, 16);
    assertThat(engine).containsExactly(reference, within(1e-15));
    // The test model's ramp really is partial somewhere, and its attention factor is not 1.
    double extrapolated5 = Math.pow(100, -10.0 / 16);
    assertThat(engine[5]).isStrictlyBetween(extrapolated5 / 4, extrapolated5);
    assertThat(RotaryEmbedding.attentionFactor(RandomModel.YARN))
        .isCloseTo(1 + 0.1 * Math.log(4), within(1e-12));
  }

  /**
   * With truncate false the ramp bounds stay fractional: low = 128 ln(16384 / 64 pi) / (2 ln 1e9) =
   * 13.58997..., high = 24.29326...; pair 13 is still below low, pair 14 is ramped by (14 - low) /
   * (high - low) instead of 1/12, and pair 25 is past high.
   */
  @Test
  void yarnWithoutTruncationKeepsTheFractionalRampBounds() {
    RopeParameters untruncated = withYarn(FOURTEEN_B, null, false, 1.0, 1.0);
    double[] inv = RotaryEmbedding.inverseFrequencies(untruncated, 128);
    double low = 128 * Math.log(16384 / (64 * Math.PI)) / (2 * Math.log(1e9));
    double high = 128 * Math.log(16384 / (2 * Math.PI)) / (2 * Math.log(1e9));
    assertRelative(inv[13], 0.014855080171727751);
    double ramp14 = (14 - low) / (high - low);
    double extrapolated14 = Math.pow(1e9, -28.0 / 128);
    assertRelative(inv[14], extrapolated14 / 16 * ramp14 + extrapolated14 * (1 - ramp14));
    assertRelative(inv[14], 0.01036014215093953);
    assertRelative(inv[20], 0.0006753293219446647);
    assertRelative(inv[25], 1.906579931416891e-05);
    double[] truncated = RotaryEmbedding.inverseFrequencies(FOURTEEN_B, 128);
    assertThat(inv[14]).isNotEqualTo(truncated[14]);
  }

  @Test
  void anExplicitAttentionFactorReplacesTheMscaleRule() {
    RopeParameters explicit = withYarn(FOURTEEN_B, 1.25, true, 1.0, 1.0);
    assertThat(RotaryEmbedding.attentionFactor(explicit)).isEqualTo(1.25);
    // cos at position 0 is the attention factor itself.
    RotaryEmbedding.Angles angles = new RotaryEmbedding(explicit, 128).angles(new int[] {0});
    float[] x = new float[128];
    x[0] = 1;
    angles.rotate(x, 0, 1, false);
    assertThat(x[0]).isEqualTo(1.25f);
    // Without one: mscale(16, 2) / mscale(16, 1), and mscale(16, 1) when mscale_all_dim is 0.
    assertThat(RotaryEmbedding.attentionFactor(withYarn(FOURTEEN_B, null, true, 2.0, 1.0)))
        .isCloseTo((0.2 * Math.log(16) + 1) / (0.1 * Math.log(16) + 1), within(1e-12));
    assertThat(RotaryEmbedding.attentionFactor(withYarn(FOURTEEN_B, null, true, 1.0, 0.0)))
        .isCloseTo(0.1 * Math.log(16) + 1, within(1e-12));
  }

  @Test
  void defaultRopeIsPlainRopeWithoutAttentionFactor() {
    RopeParameters plain =
        new RopeParameters("default", 10000, 1, 4096, 32, 1, 1, 1, null, true, 0);
    double[] inv = RotaryEmbedding.inverseFrequencies(plain, 8);
    assertThat(inv).containsExactly(new double[] {1, 0.1, 0.01, 0.001}, within(1e-12));
    assertThat(RotaryEmbedding.attentionFactor(plain)).isEqualTo(1.0);
  }

  @Test
  void llama4QueryScaleIsOneBelowTheOriginalContextAndGrowsLogarithmically() {
    RotaryEmbedding rope = new RotaryEmbedding(FOURTEEN_B, 128);
    assertThat(rope.queryScale(0)).isEqualTo(1.0);
    assertThat(rope.queryScale(16383)).isEqualTo(1.0);
    assertThat(rope.queryScale(16384)).isCloseTo(1 + 0.1 * Math.log(2), within(1e-12));
    assertThat(rope.queryScale(3 * 16384 + 5)).isCloseTo(1 + 0.1 * Math.log(4), within(1e-12));
  }

  @Test
  void rotationPairsIWithIPlusHalfAtTheRowsPosition() {
    RopeParameters plain =
        new RopeParameters("default", 10000, 1, 4096, 32, 1, 1, 1, null, true, 0);
    RotaryEmbedding rope = new RotaryEmbedding(plain, 4);
    RotaryEmbedding.Angles angles = rope.angles(new int[] {0, 3});
    float[] x = {1, 2, 3, 4, 1, 2, 3, 4}; // two rows of one head: pairs (1,3) and (2,4)
    for (int r = 0; r < 2; r++) {
      angles.rotate(x, r, 1, false);
    }
    assertThat(new float[] {x[0], x[1], x[2], x[3]}).containsExactly(1, 2, 3, 4);
    // Row at position 3: pair 0 rotates by 3 rad, pair 1 by 3 * 0.01 rad.
    assertThat((double) x[4]).isCloseTo(1 * Math.cos(3) - 3 * Math.sin(3), within(1e-6));
    assertThat((double) x[6]).isCloseTo(3 * Math.cos(3) + 1 * Math.sin(3), within(1e-6));
    assertThat((double) x[5]).isCloseTo(2 * Math.cos(0.03) - 4 * Math.sin(0.03), within(1e-6));
    assertThat((double) x[7]).isCloseTo(4 * Math.cos(0.03) + 2 * Math.sin(0.03), within(1e-6));
  }

  private static RopeParameters withYarn(
      RopeParameters p, Double attentionFactor, boolean truncate, double mscale, double allDim) {
    return new RopeParameters(
        p.type(),
        p.theta(),
        p.factor(),
        p.originalMaxPositionEmbeddings(),
        p.betaFast(),
        p.betaSlow(),
        mscale,
        allDim,
        attentionFactor,
        truncate,
        p.llama4ScalingBeta());
  }

  private static void assertRelative(double actual, double expected) {
    assertThat(Math.abs(actual - expected)).isLessThanOrEqualTo(1e-12 * Math.abs(expected));
  }
}
