package dev.inference.nemotron.pod.engine.cpu;

import dev.inference.nemotron.pod.engine.Chunk;
import dev.inference.nemotron.pod.engine.ForwardPass;
import dev.inference.nemotron.pod.engine.KvCache;
import dev.inference.nemotron.pod.engine.KvDtype;
import dev.inference.nemotron.pod.engine.KvPool;
import dev.inference.nemotron.pod.engine.Logits;
import dev.inference.nemotron.pod.engine.SequenceChunk;
import dev.inference.nemotron.pod.model.DraftAdapter;
import dev.inference.nemotron.pod.model.LayerWeights;
import dev.inference.nemotron.pod.model.ModelConfig;
import dev.inference.nemotron.pod.model.ModelWeights;
import dev.inference.nemotron.pod.model.Tensor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The network of MODEL.md §4 on the CPU. Weights stay in their storage format and are decoded row
 * by row inside the matmuls; activations are fp32. Thread-safe for forwards on distinct caches;
 * several sequences' chunks run as one batched forward.
 */
public final class CpuForwardPass implements ForwardPass {
  private final ModelConfig config;
  private final ModelWeights weights;
  private final EngineSettings settings;
  private final Kernels kernels;
  private final WorkerPool pool;
  private final Matmul matmul;
  private final Attention attention;
  private final RotaryEmbedding rope;
  private final float[][] inputNorms; // [layers][H]
  private final float[][] postAttentionNorms; // [layers][H]
  private final float[] finalNorm; // [H]
  private final Optional<DraftProjection> draft;

  /** A forward pass with the tunables of {@link EngineSettings#fromSystemProperties()}. */
  public CpuForwardPass(ModelConfig config, ModelWeights weights, Optional<DraftAdapter> adapter) {
    this(config, weights, adapter, EngineSettings.fromSystemProperties());
  }

  /** A forward pass with explicit tunables (tests compare kernels and thread counts). */
  public CpuForwardPass(
      ModelConfig config,
      ModelWeights weights,
      Optional<DraftAdapter> adapter,
      EngineSettings settings) {
    NetworkShape.check(config, weights);
    settings.announceOnce();
    this.config = config;
    this.weights = weights;
    this.settings = settings;
    this.kernels = Kernels.named(settings.kernels());
    this.pool = WorkerPool.shared(settings.threads());
    this.matmul = new Matmul(kernels, pool);
    this.attention =
        new Attention(
            config.numAttentionHeads(), config.numKeyValueHeads(), config.headDim(), kernels, pool);
    this.rope = new RotaryEmbedding(config.rope(), config.headDim());
    int layers = config.numHiddenLayers();
    this.inputNorms = new float[layers][];
    this.postAttentionNorms = new float[layers][];
    for (int l = 0; l < layers; l++) {
      inputNorms[l] = decodeAll(weights.layers().get(l).inputNorm());
      postAttentionNorms[l] = decodeAll(weights.layers().get(l).postAttentionNorm());
    }
    this.finalNorm = decodeAll(weights.finalNorm());
    this.draft =
        adapter.map(
            a ->
                new DraftProjection(
                    a,
                    weights.layers().stream().map(LayerWeights::oProj).toList(),
                    settings.draftLora(),
                    matmul,
                    kernels));
  }

  /** The tunables this forward pass runs with. */
  public EngineSettings settings() {
    return settings;
  }

  /** The config the network was built from. */
  public ModelConfig config() {
    return config;
  }

  @Override
  public int vocabularySize() {
    return config.vocabSize();
  }

  @Override
  public int maskTokenId() {
    return config.maskTokenId();
  }

  @Override
  public boolean hasDraftAdapter() {
    return draft.isPresent();
  }

  @Override
  public CpuKvCache newCache(int capacity) {
    return new CpuKvCache(config.numHiddenLayers(), config.kvWidth(), capacity);
  }

  @Override
  public CpuKvCache newCache(int capacity, KvPool pool) {
    return new CpuKvCache(config.numHiddenLayers(), config.kvWidth(), capacity, pool);
  }

  /**
   * Runs throwaway forwards against a scratch cache until {@code budget} has passed or {@link
   * #WARM_UP_MAX_FORWARDS} ran, at least one: one-row forwards with logits (a decode step's path),
   * the second of them replaced by one {@link #WARM_UP_PROMPT_ROWS}-row causal forward (a prompt's
   * path: the multi-row kernels) when the budget allows it. The JIT compiles the kernels only after
   * thousands of calls: without this, a small model's first ~100 decode steps run interpreted or
   * half-compiled (a 0.26 MB checkpoint's forward takes 10 ms instead of 0.7 ms), and a timed run
   * measures the compiler rather than the engine. A large model's first forward alone outlasts a
   * short budget: its prompt then runs the multi-row kernels cold, rather than the warm-up adding a
   * whole forward to the time to first token.
   *
   * @return the number of forwards run
   */
  public int warmUp(Duration budget) {
    long deadline = System.nanoTime() + budget.toNanos();
    CpuKvCache scratch = newCache(WARM_UP_POSITIONS);
    int forwards = 0;
    int position = 0;
    do {
      int rows = forwards == 1 ? WARM_UP_PROMPT_ROWS : 1;
      if (position + rows > WARM_UP_POSITIONS) {
        scratch.crop(0);
        position = 0;
      }
      int[] tokens = new int[rows];
      for (int i = 0; i < rows; i++) {
        tokens[i] = (forwards + i) % config.vocabSize();
      }
      forward(scratch, Chunk.causalWrite(tokens, position, new int[] {rows - 1}));
      position += rows;
      forwards++;
    } while (forwards < WARM_UP_MAX_FORWARDS && System.nanoTime() < deadline);
    scratch.release();
    return forwards;
  }

  /** Most forwards {@link #warmUp} runs: by then a tiny model's kernels are compiled. */
  public static final int WARM_UP_MAX_FORWARDS = 200;

  /** Rows of {@link #warmUp}'s second forward: a short prompt. */
  public static final int WARM_UP_PROMPT_ROWS = 4;

  private static final int WARM_UP_POSITIONS = 32;

  @Override
  public Logits forward(KvCache kvCache, Chunk chunk) {
    return forward(List.of(new SequenceChunk(kvCache, chunk))).get(0);
  }

  /**
   * The rows of every chunk run as one {@code [N, H]} activation matrix through the projections and
   * the MLP (each weight read once for all N rows); attention and the cache writes stay per
   * sequence. A row's result does not depend on the other rows of the batch: every kernel computes
   * an output row from its own input row in the same order whatever N is.
   */
  @Override
  public List<Logits> forward(List<SequenceChunk> batch) {
    if (batch.isEmpty()) {
      return List.of();
    }
    ForwardPass.requireDistinctCaches(batch);
    int s = batch.size();
    CpuKvCache[] caches = new CpuKvCache[s];
    int[] rowStart = new int[s + 1];
    for (int i = 0; i < s; i++) {
      caches[i] = requireOwnCache(batch.get(i).cache());
      batch.get(i).chunk().checkAgainst(caches[i], config.vocabSize());
      rowStart[i + 1] = rowStart[i] + batch.get(i).chunk().length();
    }
    int n = rowStart[s];
    int hidden = config.hiddenSize();
    int queryWidth = config.queryWidth();
    int kvWidth = config.kvWidth();
    int inter = config.intermediateSize();

    int[] tokens = new int[n];
    int[] positions = new int[n];
    List<Integer> adapter = new ArrayList<>();
    boolean[][][] visible = new boolean[s][][];
    int[] past = new int[s];
    for (int i = 0; i < s; i++) {
      Chunk chunk = batch.get(i).chunk();
      int m = chunk.length();
      System.arraycopy(chunk.tokens(), 0, tokens, rowStart[i], m);
      System.arraycopy(chunk.positions(), 0, positions, rowStart[i], m);
      if (draft.isPresent()) {
        for (int r : chunk.adapterRows()) {
          adapter.add(rowStart[i] + r);
        }
      }
      visible[i] = visibility(chunk);
      past[i] = caches[i].length();
      caches[i].reserve(past[i] + chunk.writeRows().length);
    }
    int[] adapterRows = adapter.stream().mapToInt(Integer::intValue).toArray();
    RotaryEmbedding.Angles angles = rope.angles(positions);

    float[] h = new float[n * hidden]; // [n, H] residual stream
    float[] x = new float[n * hidden]; // [n, H] normed input of a block
    float[] q = new float[n * queryWidth]; // [n, heads * headDim]
    float[] k = new float[n * kvWidth]; // [n, kvHeads * headDim]
    float[] v = new float[n * kvWidth]; // [n, kvHeads * headDim]
    float[] att = new float[n * queryWidth]; // [n, heads * headDim]
    float[] delta = new float[n * hidden]; // [n, H] a block's output
    float[] gate = new float[n * inter]; // [n, I]
    float[] up = new float[n * inter]; // [n, I]

    // Embedding lookup, no scaling.
    Tensor embed = weights.embedTokens();
    for (int r = 0; r < n; r++) {
      kernels.decode(embed.dtype(), embed.data(), (long) tokens[r] * hidden, h, r * hidden, hidden);
    }

    for (int l = 0; l < config.numHiddenLayers(); l++) {
      LayerWeights lw = weights.layers().get(l);

      // Attention block: norm, projections, RoPE (+ llama-4 query scale), GQA, o_proj, residual.
      rmsNorm(h, inputNorms[l], n, x);
      matmul.applyAll(
          x, n, new Tensor[] {lw.qProj(), lw.kProj(), lw.vProj()}, new float[][] {q, k, v});
      for (int r = 0; r < n; r++) {
        angles.rotate(q, r, config.numAttentionHeads(), true);
        angles.rotate(k, r, config.numKeyValueHeads(), false);
      }
      Attention.Segment[] segments = new Attention.Segment[s];
      for (int i = 0; i < s; i++) {
        segments[i] =
            new Attention.Segment(
                rowStart[i],
                rowStart[i + 1] - rowStart[i],
                visible[i],
                caches[i].layerKeys(l),
                caches[i].layerValues(l),
                caches[i].dtype() == KvDtype.BF16 ? caches[i].layerKeys16(l) : null,
                caches[i].dtype() == KvDtype.BF16 ? caches[i].layerValues16(l) : null,
                past[i]);
      }
      attention.apply(q, k, v, segments, n, att);
      if (adapterRows.length > 0) {
        draft.get().apply(l, lw.oProj(), att, n, adapterRows, delta);
      } else {
        matmul.apply(lw.oProj(), att, n, delta);
      }
      kernels.axpy(1f, delta, 0, h, 0, n * hidden);
      // Staged beyond each cache's length: invisible to this forward's attention, kept on success.
      for (int i = 0; i < s; i++) {
        int[] writes = batch.get(i).chunk().writeRows();
        for (int w = 0; w < writes.length; w++) {
          int row = rowStart[i] + writes[w];
          caches[i].stage(l, past[i] + w, k, row * kvWidth, v, row * kvWidth);
        }
      }

      // MLP block: norm, SwiGLU, residual.
      rmsNorm(h, postAttentionNorms[l], n, x);
      matmul.applyAll(x, n, new Tensor[] {lw.gateProj(), lw.upProj()}, new float[][] {gate, up});
      // Row by row, so that a row's values never depend on how many rows share the forward.
      pool.forRanges(
          n,
          (from, to) -> {
            for (int r = from; r < to; r++) {
              kernels.swiglu(gate, up, r * inter, inter);
            }
          });
      matmul.apply(lw.downProj(), gate, n, delta);
      kernels.axpy(1f, delta, 0, h, 0, n * hidden);
    }
    for (int i = 0; i < s; i++) {
      caches[i].extendTo(past[i] + batch.get(i).chunk().writeRows().length);
    }
    return logits(h, batch, rowStart);
  }

  /** {@code visible[i][j]}: chunk row i sees chunk row j (the mask asked once per pair). */
  private static boolean[][] visibility(Chunk chunk) {
    int m = chunk.length();
    boolean[][] visible = new boolean[m][m];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < m; j++) {
        visible[i][j] = chunk.mask().visible(i, j);
      }
    }
    return visible;
  }

  /**
   * Final norm and diffusion_head for the requested rows of every chunk in one matmul; late rows
   * keep their normed hidden state for {@link Logits#prepare}.
   */
  private List<Logits> logits(float[] h, List<SequenceChunk> batch, int[] rowStart) {
    int hidden = config.hiddenSize();
    int total = 0;
    for (SequenceChunk sc : batch) {
      total += sc.chunk().logitRows().length;
    }
    int[] all = new int[total];
    int t = 0;
    for (int i = 0; i < batch.size(); i++) {
      for (int r : batch.get(i).chunk().logitRows()) {
        all[t++] = rowStart[i] + r;
      }
    }
    float[][] eager = headRows(normedRows(h, all));
    List<Logits> out = new ArrayList<>(batch.size());
    t = 0;
    for (int i = 0; i < batch.size(); i++) {
      Chunk chunk = batch.get(i).chunk();
      int m = chunk.logitRows().length;
      float[][] mine = Arrays.copyOfRange(eager, t, t + m);
      t += m;
      int[] late = chunk.lateLogitRows();
      if (late.length == 0) {
        out.add(new Logits(chunk.logitRows(), mine));
        continue;
      }
      int base = rowStart[i];
      float[] kept = normedRows(h, Arrays.stream(late).map(r -> base + r).toArray()); // [late, H]
      out.add(
          new Logits(
              chunk.logitRows(),
              mine,
              late,
              rows -> {
                float[] selected = new float[rows.length * hidden];
                for (int q = 0; q < rows.length; q++) {
                  int at = Arrays.binarySearch(late, rows[q]);
                  System.arraycopy(kept, at * hidden, selected, q * hidden, hidden);
                }
                return headRows(selected);
              }));
    }
    return out;
  }

  /** {@code rmsnorm(h[rows]) * norm}, {@code [rows.length, H]}. */
  private float[] normedRows(float[] h, int[] rows) {
    int hidden = config.hiddenSize();
    float[] selected = new float[rows.length * hidden]; // [m, H]
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(h, rows[i] * hidden, selected, i * hidden, hidden);
    }
    float[] normed = new float[rows.length * hidden]; // [m, H]
    rmsNorm(selected, finalNorm, rows.length, normed);
    return normed;
  }

  /** The diffusion_head applied to normed hidden rows {@code [m, H]}: one logit vector per row. */
  private float[][] headRows(float[] normed) {
    int vocab = config.vocabSize();
    int m = normed.length / config.hiddenSize();
    float[] flat = new float[m * vocab]; // [m, vocab]
    if (m > 0) {
      matmul.apply(weights.lmHead(), normed, m, flat);
    }
    float[][] values = new float[m][];
    for (int i = 0; i < m; i++) {
      values[i] = Arrays.copyOfRange(flat, i * vocab, (i + 1) * vocab);
    }
    return values;
  }

  /** {@code out[r] = in[r] / sqrt(mean(in[r]^2) + eps) * weight}, in fp32, for rows [0, n). */
  private void rmsNorm(float[] in, float[] weight, int n, float[] out) {
    int hidden = weight.length;
    for (int r = 0; r < n; r++) {
      int o = r * hidden;
      float meanSquare = kernels.sumOfSquares(in, o, hidden) / hidden;
      float inv = (float) (1.0 / Math.sqrt(meanSquare + config.rmsNormEps()));
      for (int i = 0; i < hidden; i++) {
        out[o + i] = in[o + i] * inv * weight[i];
      }
    }
  }

  private CpuKvCache requireOwnCache(KvCache cache) {
    if (!(cache instanceof CpuKvCache c)
        || c.layers() != config.numHiddenLayers()
        || c.width() != config.kvWidth()) {
      throw new IllegalArgumentException(
          "the KV cache was not created by this forward pass's newCache(): " + cache);
    }
    return c;
  }

  private float[] decodeAll(Tensor t) {
    float[] out = new float[Math.toIntExact(t.elementCount())];
    kernels.decode(t.dtype(), t.data(), 0, out, 0, out.length);
    return out;
  }
}
