package dev.inference.nemotron.pod.decode;

import dev.inference.nemotron.pod.engine.Logits;
import dev.inference.nemotron.pod.engine.TokenRule;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Picks one token from a logit row (MODEL.md §6 {@code pick}): argmax at temperature 0 (ties to the
 * lowest id), otherwise a sample from {@code softmax(logits / T)} after top-k, then top-p
 * filtering. The mask token is never picked.
 *
 * <p>The random draw for a token depends only on the request seed, the token's absolute position
 * and a denoising step: {@code u = SplittableRandom(seed ^ ((position + 1 + step * 2^32) *
 * GOLDEN_GAMMA)).nextDouble()}, turned into a token by the inverse CDF over the kept tokens in
 * increasing id order. The map from (position, step) to the generator's seed is one-to-one (for
 * positions and steps below 2^31), so no two of them share a draw.
 *
 * <p>Which step a pick uses is part of the decoding rule:
 *
 * <ul>
 *   <li>AR steps, the prefill's first token, and the verify and commit picks of every mode use
 *       <b>step 0</b> ({@link #pick(float[], int)}). So every mode that samples position p from the
 *       same distribution picks the same token: at T &gt; 0 self-speculation (which samples each
 *       verify position and keeps exact matches) reproduces AR sampling token for token, and a
 *       draft sampled from a distribution close to the verifier's is coupled to the verify sample
 *       and accepted more often.
 *   <li>Diffusion at T &gt; 0 draws <b>fresh noise for every denoising step</b> s = 1, 2, ...
 *       within a block ({@link #pick(float[], int, int)}): a masked slot that stays masked is
 *       re-sampled from new noise at the next step instead of repeating the draw it was not
 *       confident in.
 * </ul>
 *
 * Draws of different positions (or steps) are independent, so each emitted token is an exact sample
 * of its conditional distribution.
 *
 * <p>Filtering never sorts the whole vocabulary when it need not: top-k keeps a bounded heap of the
 * k best tokens, and top-p alone first tries the best {@value #PARTIAL_LIMIT} tokens, then 16 times
 * as many. Either way the kept tokens and their probabilities are exactly (bit for bit) those of
 * sorting every token by descending logit (ties to the lowest id), cutting after k tokens, then
 * after the first prefix whose probability mass reaches p, and renormalising; top-p falls back to
 * that full sort when the nucleus is larger than the prefix or when rounding leaves the cut in
 * doubt.
 *
 * <p>As a {@link TokenRule} it is what decoders hand to {@link Logits#pick}: rows kept on the host
 * are picked by {@link #choose} (the same token as {@link #pick(float[], int, int)} given the same
 * draw), rows kept on a device by its kernels from the same parameters and draws.
 *
 * <p>A logit that is NaN or infinite fails every method with an {@link IllegalStateException}: a
 * finite network on finite weights cannot produce one, so the checkpoint is broken, and sampling
 * from it would emit garbage with a success status.
 */
public final class TokenPicker implements TokenRule {
  private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

  /** Top-k up to this many tokens uses heap selection; top-p first tries this long a prefix. */
  static final int PARTIAL_LIMIT = 1024;

  private final SamplingParams params;
  private final int maskTokenId;

  public TokenPicker(SamplingParams params, int maskTokenId) {
    this.params = params;
    this.maskTokenId = maskTokenId;
  }

  /**
   * The token for absolute position {@code position} from its logit row, with the draw of step 0:
   * AR, prefill, verify and commit picks.
   */
  public int pick(float[] logits, int position) {
    return pick(logits, position, 0);
  }

  /**
   * The token for absolute position {@code position} at denoising step {@code step}: 0 for AR,
   * prefill, verify and commit picks (the same token as {@link #pick(float[], int)}), s = 1, 2, ...
   * for the s-th denoising step of a diffusion block, so that every step draws fresh noise.
   */
  public int pick(float[] logits, int position, int step) {
    return choose(logits, params.greedy() ? 0 : draw(position, step));
  }

  @Override
  public int choose(float[] logits, double uniform) {
    if (params.greedy()) {
      return argmax(logits, maskTokenId);
    }
    return sample(logits, uniform);
  }

  @Override
  public double temperature() {
    return params.temperature();
  }

  @Override
  public int topK() {
    return params.topK();
  }

  @Override
  public double topP() {
    return params.topP();
  }

  @Override
  public int excludedToken() {
    return maskTokenId;
  }

  /**
   * The draws of the tokens at {@code positions}, all at denoising step {@code step} (see the class
   * comment): what {@link Logits#pick} takes. At temperature 0 nothing is drawn (all 0).
   */
  public double[] draws(int[] positions, int step) {
    double[] u = new double[positions.length];
    if (!params.greedy()) {
      for (int k = 0; k < positions.length; k++) {
        u[k] = draw(positions[k], step);
      }
    }
    return u;
  }

  /** The uniform draw in [0, 1) used at {@code position} by AR, verify and commit picks. */
  public double draw(int position) {
    return draw(position, 0);
  }

  /**
   * The uniform draw in [0, 1) used at {@code position} and denoising step {@code step} ({@code
   * step} 0 is {@link #draw(int)}); see the class comment for which picks use which step.
   *
   * @throws IllegalArgumentException for a negative step
   */
  public double draw(int position, int step) {
    if (step < 0) {
      throw new IllegalArgumentException("denoising step must be >= 0, got " + step);
    }
    long key = (position + 1L) + ((long) step << 32);
    return new SplittableRandom(params.seed() ^ (key * GOLDEN_GAMMA)).nextDouble();
  }

  /** Index of the largest logit other than {@code excluded}; ties to the lowest id. */
  public static int argmax(float[] logits, int excluded) {
    int best = -1;
    float bestValue = Float.NEGATIVE_INFINITY;
    for (int i = 0; i < logits.length; i++) {
      float v = logits[i];
      if (!Float.isFinite(v)) {
        throw nonFinite(logits, i);
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
    requireFinite(logits);
    return Logits.confidence(logits, token);
  }

  /**
   * The tokens a sample may return and their probabilities after temperature, top-k and top-p
   * filtering, in increasing id order. The mask token is never among them.
   */
  public Candidates candidates(float[] logits) {
    requireFinite(logits);
    double invT = 1.0 / params.temperature();
    int n = logits.length;
    if ((params.topK() == 0 || params.topK() >= n) && params.topP() == 1) {
      return unfiltered(logits, invT);
    }
    int count = n - (maskTokenId >= 0 && maskTokenId < n ? 1 : 0);
    int k = params.topK() > 0 ? Math.min(params.topK(), count) : count;
    if (k < count && k <= PARTIAL_LIMIT) {
      return filter(logits, invT, bestKeys(logits, k), k);
    }
    if (k == count && params.topP() < 1 && count > PARTIAL_LIMIT) {
      Candidates nucleus = nucleusFromPrefix(logits, invT, count);
      if (nucleus != null) {
        return nucleus;
      }
    }
    long[] keys = new long[count];
    int q = 0;
    for (int i = 0; i < n; i++) {
      if (i != maskTokenId) {
        keys[q++] = key(logits, i);
      }
    }
    Arrays.sort(keys);
    return filter(logits, invT, keys, k);
  }

  /**
   * The sort key of token {@code i}: ascending keys order tokens by logit, descending, ties to the
   * lowest id.
   */
  private static long key(float[] logits, int i) {
    int bits = Float.floatToIntBits(logits[i] == 0f ? 0f : logits[i]);
    int sortable = bits ^ ((bits >> 31) & 0x7fffffff);
    // ~sortable decreases as the logit grows; the id in the low half breaks ties upwards.
    return ((long) ~sortable << 32) | i;
  }

  private static int id(long key) {
    return (int) key;
  }

  /**
   * The {@code m} smallest keys of the non-mask tokens, sorted ascending: the first m tokens of the
   * full order, found with a bounded max-heap in one pass (O(n log m), no allocation beyond m).
   */
  private long[] bestKeys(float[] logits, int m) {
    long[] heap = new long[m]; // max-heap of the m smallest keys seen so far
    int size = 0;
    for (int i = 0; i < logits.length; i++) {
      if (i == maskTokenId) {
        continue;
      }
      long key = key(logits, i);
      if (size < m) {
        int c = size++;
        while (c > 0 && heap[(c - 1) / 2] < key) {
          heap[c] = heap[(c - 1) / 2];
          c = (c - 1) / 2;
        }
        heap[c] = key;
      } else if (key < heap[0]) {
        siftDown(heap, m, key);
      }
    }
    Arrays.sort(heap, 0, size);
    return heap;
  }

  /** Replaces the heap's top with {@code key} and restores the max-heap order. */
  private static void siftDown(long[] heap, int size, long key) {
    int c = 0;
    while (true) {
      int child = 2 * c + 1;
      if (child >= size) {
        break;
      }
      if (child + 1 < size && heap[child + 1] > heap[child]) {
        child++;
      }
      if (heap[child] <= key) {
        break;
      }
      heap[c] = heap[child];
      c = child;
    }
    heap[c] = key;
  }

  /**
   * Top-k then top-p over the first {@code kept} of {@code keys} (sorted ascending, the best tokens
   * first): probabilities {@code exp(l / T - max)} summed in that order, the nucleus cut after the
   * first prefix whose mass reaches p, renormalised.
   */
  private Candidates filter(float[] logits, double invT, long[] keys, int kept) {
    double maxScaled = logits[id(keys[0])] * invT;
    double[] p = new double[kept];
    double sum = 0;
    for (int r = 0; r < kept; r++) {
      p[r] = Math.exp(logits[id(keys[r])] * invT - maxScaled);
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
    return byId(keys, p, kept, sum);
  }

  /**
   * Top-p alone from a prefix of the best tokens ({@link #PARTIAL_LIMIT}, then 16 times more), or
   * null when that cannot give exactly the result of {@link #filter} over the fully sorted row. The
   * cut depends on the sum of every token's probability in descending order, which needs the full
   * sort; instead the sum in id order brackets it (two sums of the same {@code count} positive
   * terms differ by at most {@code 2 * count * 2^-53} of the sum), and the cut is taken when both
   * ends of the bracket put it at the same token. Each cumulative mass only grows as the sum
   * shrinks, so the true cut lies between.
   */
  Candidates nucleusFromPrefix(float[] logits, double invT, int count) {
    float maxLogit = Float.NEGATIVE_INFINITY;
    for (int i = 0; i < logits.length; i++) {
      if (i != maskTokenId) {
        maxLogit = Math.max(maxLogit, logits[i]);
      }
    }
    double maxScaled = maxLogit * invT;
    double anyOrder = 0;
    for (int i = 0; i < logits.length; i++) {
      if (i != maskTokenId) {
        anyOrder += Math.exp(logits[i] * invT - maxScaled);
      }
    }
    if (!Double.isFinite(maxScaled) || !Double.isFinite(anyOrder)) {
      return null;
    }
    double slack = anyOrder * count * 0x1p-51;
    double low = anyOrder - slack;
    double high = anyOrder + slack;
    for (int m = PARTIAL_LIMIT; m < count; m *= 16) {
      long[] prefix = bestKeys(logits, m);
      double[] p = new double[m];
      double massIfLow = 0; // the largest the cumulative mass can be
      double massIfHigh = 0; // the smallest
      int earliestCut = -1;
      for (int r = 0; r < m; r++) {
        p[r] = Math.exp(logits[id(prefix[r])] * invT - maxScaled);
        massIfLow += p[r] / low;
        massIfHigh += p[r] / high;
        if (earliestCut < 0 && massIfLow >= params.topP()) {
          earliestCut = r + 1;
        }
        if (massIfHigh >= params.topP()) {
          if (earliestCut != r + 1) {
            return null;
          }
          double sum = 0;
          for (int q = 0; q <= r; q++) {
            sum += p[q];
          }
          return byId(prefix, p, r + 1, sum);
        }
      }
      if (earliestCut >= 0) {
        return null; // the cut lies beyond the prefix for one end of the bracket only
      }
    }
    return null;
  }

  /** The first {@code kept} tokens of {@code keys} in increasing id order, {@code p / sum} each. */
  private static Candidates byId(long[] keys, double[] p, int kept, double sum) {
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
    return new Candidates(ids, probabilities);
  }

  /** Every token but the mask, without the sort that filtering needs (131072 ids per pick). */
  private Candidates unfiltered(float[] logits, double invT) {
    int n = logits.length;
    int kept = n - (maskTokenId >= 0 && maskTokenId < n ? 1 : 0);
    int[] ids = new int[kept];
    double[] probabilities = new double[kept];
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
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
    return new Candidates(ids, probabilities);
  }

  private int sample(float[] logits, double u) {
    Candidates c = candidates(logits);
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

  private static void requireFinite(float[] logits) {
    for (int i = 0; i < logits.length; i++) {
      if (!Float.isFinite(logits[i])) {
        throw nonFinite(logits, i);
      }
    }
  }

  /**
   * The error for a NaN or infinite logit: a finite network on finite weights cannot produce one,
   * so it names the token and value and points at the weights.
   */
  private static IllegalStateException nonFinite(float[] logits, int id) {
    return new IllegalStateException(
        "the forward pass produced a non-finite logit: token id "
            + id
            + " of "
            + logits.length
            + " is "
            + logits[id]
            + "; the checkpoint's weights likely hold Inf or NaN values: scan them"
            + " (WeightScan.firstNonFinite, or `ndd logits --model DIR --ids ...`, which names"
            + " the first such tensor)");
  }

  /**
   * The tokens a sample may return, in increasing id order, with their probabilities (summing to
   * 1).
   */
  public record Candidates(int[] ids, double[] probabilities) {}
}
