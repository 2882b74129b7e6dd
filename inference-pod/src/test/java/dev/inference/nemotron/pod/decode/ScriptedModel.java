package dev.inference.nemotron.pod.decode;

import dev.inference.nemotron.pod.engine.Chunk;
import dev.inference.nemotron.pod.engine.ForwardPass;
import dev.inference.nemotron.pod.engine.KvCache;
import dev.inference.nemotron.pod.engine.Logits;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;

/**
 * A test double of the network whose logits are a scripted function of what each row can see, so
 * that decoders can be checked for exact accounting without floating-point noise.
 *
 * <p>It knows a "true" language: {@link #next(int[])} gives the next token of any context. A
 * real-token row whose view is exactly positions 0..q (cache plus visible chunk rows, no masks, no
 * gaps, nothing later) predicts position q + 1 sharply. A mask row at position q drafts position q:
 * it rolls the language forward from the longest gap-free prefix it sees and, with probability
 * {@code draftAccuracy} (a fixed coin per position), returns the true token, otherwise a wrong one;
 * its confidence comes from {@link #confidence}. The double is strict where the real network would
 * silently go wrong: writing K/V of a row that did not see exactly its causal prefix, asking for
 * the logits of a real-token row that saw masks or later tokens, using either from a row that has
 * the draft adapter or sees a row that has it (such rows are drafts, not exact), two visible rows
 * at one position, or a written position that is not the cache's next free one all throw. Every
 * chunk is recorded in {@link #calls}, with its adapter rows.
 */
final class ScriptedModel implements ForwardPass {
  static final int VOCAB = 50;
  static final int MASK = 7;
  static final int EOS = 3;

  /** Confidence of a mask row's candidate, by absolute position. */
  interface Confidence {
    double at(int position);
  }

  private final double draftAccuracy;
  private final long salt;
  private int eosPosition = -1;
  private Confidence confidence = position -> 0.95;
  private double spread;
  private int draftAlways = -1;
  final List<Chunk> calls = new ArrayList<>();

  /** The late logit rows each forward's decoder asked for, in order. */
  final List<int[]> lateRequests = new ArrayList<>();

  /**
   * @param draftAccuracy probability that a draft is the true token
   * @param salt varies the language and the draft coins
   */
  ScriptedModel(double draftAccuracy, long salt) {
    this.draftAccuracy = draftAccuracy;
    this.salt = salt;
  }

  /** The true language emits EOS at this absolute position. */
  ScriptedModel eosAt(int position) {
    this.eosPosition = position;
    return this;
  }

  ScriptedModel confidence(Confidence c) {
    this.confidence = c;
    return this;
  }

  /** Every mask row drafts {@code token}: rows then are identical, so confidences tie exactly. */
  ScriptedModel draftAlways(int token) {
    this.draftAlways = token;
    return this;
  }

  /**
   * Gives every token a context-dependent logit in [0, spread) on top of the sharp prediction, so
   * that sampling at T &gt; 0 has real choices.
   */
  ScriptedModel spread(double amount) {
    this.spread = amount;
    return this;
  }

  /** The true next token after {@code context} (tokens at positions 0..n-1). */
  int next(int[] context) {
    int position = context.length;
    if (position == eosPosition) {
      return EOS;
    }
    long h =
        mix(
            salt
                + 31L * context[position - 1]
                + 1009L * (position >= 2 ? context[position - 2] : 0)
                + 7919L * position);
    int t = (int) Math.floorMod(h, VOCAB);
    while (t == MASK || t == EOS) {
      t = (t + 1) % VOCAB;
    }
    return t;
  }

  /** The true continuation of {@code prompt}, {@code n} tokens (stopping after EOS). */
  int[] truth(int[] prompt, int n) {
    int[] seq = Arrays.copyOf(prompt, prompt.length + n);
    int len = prompt.length;
    while (len < seq.length) {
      seq[len] = next(Arrays.copyOf(seq, len));
      len++;
      if (seq[len - 1] == EOS) {
        break;
      }
    }
    return Arrays.copyOfRange(seq, prompt.length, len);
  }

  @Override
  public int vocabularySize() {
    return VOCAB;
  }

  @Override
  public int maskTokenId() {
    return MASK;
  }

  @Override
  public boolean hasDraftAdapter() {
    return true;
  }

  @Override
  public KvCache newCache(int capacity) {
    return new Cache(capacity);
  }

  @Override
  public Logits forward(KvCache kv, Chunk chunk) {
    Cache cache = (Cache) kv;
    calls.add(chunk);
    int[] logitRows = chunk.logitRows();
    float[][] out = new float[logitRows.length][];
    for (int k = 0; k < logitRows.length; k++) {
      out[k] = logits(cache, chunk, logitRows[k]);
    }
    // Late rows are computed now, against the cache as the forward saw it, and handed out later.
    int[] lateRows = chunk.lateLogitRows();
    float[][] late = new float[lateRows.length][];
    for (int k = 0; k < lateRows.length; k++) {
      late[k] = logits(cache, chunk, lateRows[k]);
    }
    int[] writeRows = chunk.writeRows();
    for (int w = 0; w < writeRows.length; w++) {
      int row = writeRows[w];
      if (chunk.positions()[row] != cache.length() + w) {
        throw new IllegalStateException(
            "row "
                + row
                + " at position "
                + chunk.positions()[row]
                + " is not the cache's next free position "
                + (cache.length() + w));
      }
      if (causalView(cache, chunk, row) == null) {
        throw new IllegalStateException(
            "row " + row + " written to the cache without a causal view");
      }
      requireNoAdapter(chunk, row, "written to the cache");
    }
    for (int row : writeRows) {
      cache.append(chunk.tokens()[row]);
    }
    return new Logits(
        logitRows,
        out,
        lateRows,
        rows -> {
          lateRequests.add(rows.clone());
          float[][] asked = new float[rows.length][];
          for (int q = 0; q < rows.length; q++) {
            asked[q] = late[java.util.Arrays.binarySearch(lateRows, rows[q])];
          }
          return asked;
        });
  }

  private float[] logits(Cache cache, Chunk chunk, int row) {
    int position = chunk.positions()[row];
    if (chunk.tokens()[row] != MASK) {
      int[] context = causalView(cache, chunk, row);
      if (context == null) {
        throw new IllegalStateException(
            "logits of real-token row "
                + row
                + " requested, but it does not see exactly its causal prefix");
      }
      requireNoAdapter(chunk, row, "used as a verify or prefill row");
      return shape(next(context), 0.99, context);
    }
    TreeMap<Integer, Integer> seen = view(cache, chunk, row);
    int known = 0;
    while (seen.containsKey(known) && seen.get(known) != MASK) {
      known++;
    }
    int[] rolled = new int[position + 1];
    for (int q = 0; q < known && q <= position; q++) {
      rolled[q] = seen.get(q);
    }
    for (int q = known; q <= position; q++) {
      rolled[q] = next(Arrays.copyOf(rolled, q));
    }
    int truth = rolled[position];
    boolean right =
        Math.floorMod(mix(salt * 131 + position), 1_000_000) < draftAccuracy * 1_000_000;
    int drafted = draftAlways >= 0 ? draftAlways : right ? truth : wrong(truth);
    return shape(drafted, confidence.at(position), Arrays.copyOf(rolled, position));
  }

  private int wrong(int truth) {
    int t = (truth + 1) % VOCAB;
    while (t == MASK || t == EOS) {
      t = (t + 1) % VOCAB;
    }
    return t;
  }

  /** Logits whose raw softmax gives {@code token} probability {@code p} (before the spread). */
  private float[] shape(int token, double p, int[] context) {
    float[] logits = new float[VOCAB];
    long h = Arrays.hashCode(context) * 0x9E3779B97F4A7C15L + salt;
    for (int t = 0; t < VOCAB && spread > 0; t++) {
      logits[t] = (float) (spread * Math.floorMod(mix(h + t), 1000) / 1000.0);
    }
    logits[token] = (float) Math.log(p * (VOCAB - 1) / (1 - p));
    return logits;
  }

  /** Throws when {@code row} or a chunk row it sees has the draft adapter. */
  private static void requireNoAdapter(Chunk chunk, int row, String use) {
    for (int a : chunk.adapterRows()) {
      if (a == row || chunk.mask().visible(row, a)) {
        throw new IllegalStateException(
            "row " + row + " " + use + ", but the draft adapter reaches it through row " + a);
      }
    }
  }

  /** Position to token of every row {@code row} sees (masks included); throws on collisions. */
  private static TreeMap<Integer, Integer> view(Cache cache, Chunk chunk, int row) {
    TreeMap<Integer, Integer> seen = new TreeMap<>();
    for (int q = 0; q < cache.length(); q++) {
      seen.put(q, cache.tokens[q]);
    }
    for (int k = 0; k < chunk.length(); k++) {
      if (chunk.mask().visible(row, k)) {
        Integer previous = seen.put(chunk.positions()[k], chunk.tokens()[k]);
        if (previous != null) {
          throw new IllegalStateException(
              "row " + row + " sees two tokens at position " + chunk.positions()[k]);
        }
      }
    }
    return seen;
  }

  /** Tokens at positions 0..q if row sees exactly those (no masks, no gaps), else null. */
  private static int[] causalView(Cache cache, Chunk chunk, int row) {
    int position = chunk.positions()[row];
    TreeMap<Integer, Integer> seen = view(cache, chunk, row);
    if (seen.size() != position + 1 || seen.lastKey() != position || seen.containsValue(MASK)) {
      return null;
    }
    return seen.values().stream().mapToInt(Integer::intValue).toArray();
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  /** The double's cache: the token at each position; keys/values encode (token, position). */
  static final class Cache implements KvCache {
    private final int[] tokens;
    private int length;

    Cache(int capacity) {
      tokens = new int[capacity];
    }

    void append(int token) {
      if (length == tokens.length) {
        throw new IllegalStateException("cache overflow at " + length);
      }
      tokens[length++] = token;
    }

    int[] tokens() {
      return Arrays.copyOf(tokens, length);
    }

    @Override
    public int length() {
      return length;
    }

    @Override
    public int capacity() {
      return tokens.length;
    }

    @Override
    public void crop(int newLength) {
      if (newLength < 0 || newLength > length) {
        throw new IllegalArgumentException("crop to " + newLength + " of " + length);
      }
      length = newLength;
    }

    @Override
    public float[] keys(int layer, int position) {
      return new float[] {tokens[position], position};
    }

    @Override
    public float[] values(int layer, int position) {
      return new float[] {tokens[position]};
    }
  }
}
