package dev.inference.nemotron.pod.decode;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The token picker as it was before partial selection: it sorts every token for top-k and top-p.
 * Kept verbatim as the reference that {@link TokenPicker} must match token for token and bit for
 * bit ({@link TokenPickerEquivalenceTest}).
 */
final class ReferenceTokenPicker {
  private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

  private final SamplingParams params;
  private final int maskTokenId;

  ReferenceTokenPicker(SamplingParams params, int maskTokenId) {
    this.params = params;
    this.maskTokenId = maskTokenId;
  }

  /** The token for absolute position {@code position} from its logit row. */
  public int pick(float[] logits, int position) {
    return params.greedy() ? argmax(logits, maskTokenId) : sample(logits, draw(position));
  }

  /** The uniform draw in [0, 1) used at {@code position}. */
  public double draw(int position) {
    return new SplittableRandom(params.seed() ^ ((position + 1L) * GOLDEN_GAMMA)).nextDouble();
  }

  /** Index of the largest logit other than {@code excluded}; ties to the lowest id. */
  public static int argmax(float[] logits, int excluded) {
    int best = -1;
    float bestValue = Float.NEGATIVE_INFINITY;
    for (int i = 0; i < logits.length; i++) {
      float v = logits[i];
      if (Float.isNaN(v)) {
        throw new IllegalStateException("logit " + i + " is NaN");
      }
      if (i != excluded && (best < 0 || v > bestValue)) {
        best = i;
        bestValue = v;
      }
    }
    return best;
  }

  /**
   * {@code softmax(logits)[token]} over the whole raw row (not temperature-scaled): the diffusion
   * confidence of MODEL.md §6.2.
   */
  public static double confidence(float[] logits, int token) {
    double max = Double.NEGATIVE_INFINITY;
    for (float v : logits) {
      max = Math.max(max, v);
    }
    double sum = 0;
    for (float v : logits) {
      sum += Math.exp(v - max);
    }
    return Math.exp(logits[token] - max) / sum;
  }

  /**
   * The tokens a sample may return and their probabilities after temperature, top-k and top-p
   * filtering, in increasing id order. The mask token is never among them.
   */
  TokenPicker.Candidates candidates(float[] logits) {
    double invT = 1.0 / params.temperature();
    int n = logits.length;
    if ((params.topK() == 0 || params.topK() >= n) && params.topP() == 1) {
      return unfiltered(logits, invT);
    }
    // Order by scaled logit, descending, ties to the lowest id: a sortable key per token.
    long[] keys = new long[n - (maskTokenId >= 0 && maskTokenId < n ? 1 : 0)];
    int k = 0;
    for (int i = 0; i < n; i++) {
      if (i == maskTokenId) {
        continue;
      }
      if (Float.isNaN(logits[i])) {
        throw new IllegalStateException("logit " + i + " is NaN");
      }
      int bits = Float.floatToIntBits(logits[i] == 0f ? 0f : logits[i]);
      int sortable = bits ^ ((bits >> 31) & 0x7fffffff);
      // ~sortable decreases as the logit grows; the id in the low half breaks ties upwards.
      keys[k++] = ((long) ~sortable << 32) | i;
    }
    Arrays.sort(keys);
    int kept = params.topK() > 0 ? Math.min(params.topK(), keys.length) : keys.length;
    double maxScaled = logits[(int) keys[0]] * invT;
    double[] p = new double[kept];
    double sum = 0;
    for (int r = 0; r < kept; r++) {
      p[r] = Math.exp(logits[(int) keys[r]] * invT - maxScaled);
      sum += p[r];
    }
    if (params.topP() < 1) {
      double cumulative = 0;
      int r = 0;
      while (r < kept) {
        cumulative += p[r] / sum;
        r++;
        if (cumulative >= params.topP()) {
          break;
        }
      }
      kept = r;
      sum = 0;
      for (int q = 0; q < kept; q++) {
        sum += p[q];
      }
    }
    long[] byId = new long[kept];
    for (int r = 0; r < kept; r++) {
      byId[r] = ((keys[r] & 0xffffffffL) << 32) | r;
    }
    Arrays.sort(byId);
    int[] ids = new int[kept];
    double[] probabilities = new double[kept];
    for (int q = 0; q < kept; q++) {
      ids[q] = (int) (byId[q] >>> 32);
      probabilities[q] = p[(int) byId[q]] / sum;
    }
    return new TokenPicker.Candidates(ids, probabilities);
  }

  /** Every token but the mask, without the sort that filtering needs (131072 ids per pick). */
  private TokenPicker.Candidates unfiltered(float[] logits, double invT) {
    int n = logits.length;
    int kept = n - (maskTokenId >= 0 && maskTokenId < n ? 1 : 0);
    int[] ids = new int[kept];
    double[] probabilities = new double[kept];
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      if (Float.isNaN(logits[i])) {
        throw new IllegalStateException("logit " + i + " is NaN");
      }
      if (i != maskTokenId) {
        max = Math.max(max, logits[i] * invT);
      }
    }
    double sum = 0;
    int q = 0;
    for (int i = 0; i < n; i++) {
      if (i != maskTokenId) {
        ids[q] = i;
        probabilities[q] = Math.exp(logits[i] * invT - max);
        sum += probabilities[q++];
      }
    }
    for (int r = 0; r < kept; r++) {
      probabilities[r] /= sum;
    }
    return new TokenPicker.Candidates(ids, probabilities);
  }

  private int sample(float[] logits, double u) {
    TokenPicker.Candidates c = candidates(logits);
    double cumulative = 0;
    for (int q = 0; q < c.ids().length; q++) {
      cumulative += c.probabilities()[q];
      if (u < cumulative) {
        return c.ids()[q];
      }
    }
    // u lies in the rounding slack just below 1: the last kept token.
    return c.ids()[c.ids().length - 1];
  }
}
