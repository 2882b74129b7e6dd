package dev.inference.nemotron.pod.engine.cpu;

import dev.inference.nemotron.pod.model.RopeParameters;

/**
 * Rotary position embedding (MODEL.md §4): YaRN inverse frequencies and attention factor as in
 * Hugging Face {@code _compute_yarn_parameters} (plain RoPE for type {@code default}), rotate-half
 * pairing {@code (i, i + headDim/2)}, and the llama-4 query scale {@code 1 + beta * ln(1 +
 * floor(pos / original_max))}.
 *
 * <p>Inverse frequencies are rounded to fp32 and each angle {@code pos * inv_freq} is an fp32
 * product, as in the Hugging Face code the model was trained with; only cos and sin themselves are
 * evaluated in double.
 */
public final class RotaryEmbedding {
  private final int headDim;
  private final float[] inverseFrequencies; // [headDim / 2]
  private final double attentionFactor;
  private final double llama4Beta;
  private final int originalMax;

  public RotaryEmbedding(RopeParameters rope, int headDim) {
    if (headDim <= 0 || headDim % 2 != 0) {
      throw new IllegalArgumentException("head_dim must be positive and even, got " + headDim);
    }
    this.headDim = headDim;
    double[] exact = inverseFrequencies(rope, headDim);
    this.inverseFrequencies = new float[exact.length];
    for (int i = 0; i < exact.length; i++) {
      inverseFrequencies[i] = (float) exact[i];
    }
    this.attentionFactor = attentionFactor(rope);
    this.llama4Beta = rope.llama4ScalingBeta();
    this.originalMax = rope.originalMaxPositionEmbeddings();
  }

  /** The inverse frequency of each rotated pair, {@code [dim / 2]}, in double precision. */
  public static double[] inverseFrequencies(RopeParameters rope, int dim) {
    double base = rope.theta();
    double[] out = new double[dim / 2];
    for (int i = 0; i < out.length; i++) {
      out[i] = 1.0 / Math.pow(base, 2.0 * i / dim);
    }
    if (rope.type().equals("default")) {
      return out;
    }
    double factor = rope.factor();
    double orig = rope.originalMaxPositionEmbeddings();
    // Hugging Face's find_correction_range: the bounds are whole pairs unless truncate is false.
    double low = correctionDim(dim, base, orig, rope.betaFast());
    double high = correctionDim(dim, base, orig, rope.betaSlow());
    if (rope.truncate()) {
      low = Math.floor(low);
      high = Math.ceil(high);
    }
    low = Math.max(0, low);
    high = Math.min(dim - 1, high);
    if (low == high) {
      high += 0.001;
    }
    for (int i = 0; i < out.length; i++) {
      double ramp = Math.clamp((i - low) / (high - low), 0.0, 1.0);
      double keep = 1 - ramp; // share of the original (extrapolated) frequency
      double extrapolated = out[i];
      double interpolated = extrapolated / factor;
      out[i] = interpolated * (1 - keep) + extrapolated * keep;
    }
    return out;
  }

  /** The (fractional) pair index whose wavelength makes {@code rotations} turns over orig. */
  private static double correctionDim(int dim, double base, double orig, double rotations) {
    return dim * Math.log(orig / (rotations * 2 * Math.PI)) / (2 * Math.log(base));
  }

  /**
   * The factor cos and sin are multiplied by (Hugging Face's rule): the config's explicit {@code
   * attention_factor} when it has one, else {@code mscale(factor, mscale) / mscale(factor,
   * mscale_all_dim)} when both are non-zero, else {@code mscale(factor, 1)}; 1 for plain RoPE.
   */
  public static double attentionFactor(RopeParameters rope) {
    if (rope.type().equals("default")) {
      return 1.0;
    }
    if (rope.attentionFactor() != null) {
      return rope.attentionFactor();
    }
    if (rope.mscale() != 0 && rope.mscaleAllDim() != 0) {
      return mscale(rope.factor(), rope.mscale()) / mscale(rope.factor(), rope.mscaleAllDim());
    }
    return mscale(rope.factor(), 1.0);
  }

  private static double mscale(double scale, double m) {
    return scale <= 1 ? 1.0 : 0.1 * m * Math.log(scale) + 1.0;
  }

  /** The llama-4 query scale at an absolute position; exactly 1 below original_max. */
  public double queryScale(int position) {
    return 1.0 + llama4Beta * Math.log(1.0 + Math.floorDiv(position, originalMax));
  }

  /** Precomputed rotations for a chunk's positions, shared by every layer of one forward. */
  public Angles angles(int[] positions) {
    int half = headDim / 2;
    float[] cos = new float[positions.length * half];
    float[] sin = new float[positions.length * half];
    float[] queryScale = new float[positions.length];
    for (int r = 0; r < positions.length; r++) {
      float pos = positions[r];
      for (int i = 0; i < half; i++) {
        float angle = pos * inverseFrequencies[i];
        cos[r * half + i] = (float) (Math.cos(angle) * attentionFactor);
        sin[r * half + i] = (float) (Math.sin(angle) * attentionFactor);
      }
      queryScale[r] = (float) queryScale(positions[r]);
    }
    return new Angles(half, cos, sin, queryScale);
  }

  /** cos/sin per chunk row and pair, {@code [rows, headDim / 2]}, and each row's query scale. */
  public static final class Angles {
    private final int half;
    private final float[] cos;
    private final float[] sin;
    private final float[] queryScale;

    private Angles(int half, float[] cos, float[] sin, float[] queryScale) {
      this.half = half;
      this.cos = cos;
      this.sin = sin;
      this.queryScale = queryScale;
    }

    /**
     * Rotates every head of row {@code row} in {@code x[row * heads * headDim ..]} in place;
     * queries are also multiplied by the llama-4 scale.
     */
    void rotate(float[] x, int row, int heads, boolean query) {
      int headDim = 2 * half;
      int t = row * half;
      float scale = query ? queryScale[row] : 1f;
      for (int h = 0; h < heads; h++) {
        int base = (row * heads + h) * headDim;
        for (int i = 0; i < half; i++) {
          float x1 = x[base + i];
          float x2 = x[base + i + half];
          float c = cos[t + i];
          float s = sin[t + i];
          x[base + i] = (x1 * c - x2 * s) * scale;
          x[base + i + half] = (x2 * c + x1 * s) * scale;
        }
      }
    }
  }
}
