package dev.inference.nemotron.pod.engine.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.inference.nemotron.pod.engine.AttentionMask;
import dev.inference.nemotron.pod.engine.Chunk;
import dev.inference.nemotron.pod.engine.Logits;
import dev.inference.nemotron.pod.model.DraftAdapter;
import dev.inference.nemotron.pod.model.ModelConfig;
import dev.inference.nemotron.pod.model.ModelWeights;
import java.util.BitSet;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The engine against {@link ReferenceNetwork}, an independent double-precision transcription of
 * MODEL.md §4, on a 2-layer network whose head_dim (16) is not hidden / heads (12) and whose YaRN
 * original context (8) is crossed, so the ramp, the attention factor and the llama-4 query scale
 * all matter.
 */
class CpuForwardPassGoldenTest {
  private static final double TOLERANCE = 1e-4; // relative to the row's largest |logit|
  private static final ModelConfig CONFIG = RandomModel.config();
  private static final ModelWeights WEIGHTS = RandomModel.weights(7);
  private static final DraftAdapter ADAPTER = RandomModel.adapter(8);

  static Stream<EngineSettings> engines() {
    return Stream.of(
        new EngineSettings(1, "scalar", EngineSettings.DraftLoraMode.LOWRANK),
        new EngineSettings(2, "vector", EngineSettings.DraftLoraMode.LOWRANK));
  }

  @ParameterizedTest
  @MethodSource("engines")
  void causalPrefillMatchesIndependentReference(EngineSettings settings) {
    int[] tokens = tokens(12, 1);
    check(settings, false, new int[0], Chunk.causalWrite(tokens, 0, Chunk.allRows(12)));
  }

  @ParameterizedTest
  @MethodSource("engines")
  void causalChunkPastOriginalContextMatchesIndependentReference(EngineSettings settings) {
    int[] tokens = tokens(7, 2);
    check(settings, false, tokens(10, 3), Chunk.causalWrite(tokens, 10, Chunk.allRows(7)));
  }

  @ParameterizedTest
  @MethodSource("engines")
  void bidirectionalChunkMatchesIndependentReference(EngineSettings settings) {
    int[] tokens = tokens(6, 4);
    tokens[2] = RandomModel.MASK;
    tokens[4] = RandomModel.MASK;
    check(settings, false, tokens(10, 5), Chunk.bidirectionalReadOnly(tokens, 10, false));
  }

  @ParameterizedTest
  @MethodSource("engines")
  void perRowMaskWithRepeatedPositionsMatchesIndependentReference(EngineSettings settings) {
    Random random = new Random(6);
    int n = 6;
    BitSet[] rows = new BitSet[n];
    for (int i = 0; i < n; i++) {
      rows[i] = new BitSet();
      rows[i].set(i);
      for (int j = 0; j < n; j++) {
        if (random.nextBoolean()) {
          rows[i].set(j);
        }
      }
    }
    int[] positions = {9, 10, 11, 10, 11, 12};
    Chunk chunk =
        new Chunk(
            tokens(n, 7),
            positions,
            AttentionMask.perRow(rows),
            new int[0],
            Chunk.allRows(n),
            new int[0]);
    check(settings, false, tokens(9, 8), chunk);
  }

  /** Rows with and without the adapter in one forward, under a random per-row mask. */
  @ParameterizedTest
  @MethodSource("engines")
  void mixedAdapterRowsMatchIndependentReference(EngineSettings settings) {
    Random random = new Random(13);
    int n = 7;
    BitSet[] rows = new BitSet[n];
    for (int i = 0; i < n; i++) {
      rows[i] = new BitSet();
      rows[i].set(i);
      for (int j = 0; j < n; j++) {
        if (random.nextBoolean()) {
          rows[i].set(j);
        }
      }
    }
    int[] tokens = tokens(n, 14);
    tokens[3] = RandomModel.MASK;
    Chunk chunk =
        new Chunk(
            tokens,
            new int[] {9, 10, 11, 12, 10, 11, 12},
            AttentionMask.perRow(rows),
            new int[0],
            Chunk.allRows(n),
            new int[] {1, 3, 4, 6});
    check(settings, true, tokens(9, 15), chunk);
  }

  @ParameterizedTest
  @MethodSource("engines")
  void mergedProjectionOnSomeRowsMatchesReferenceToBf16Precision(EngineSettings base) {
    EngineSettings settings =
        new EngineSettings(base.threads(), base.kernels(), EngineSettings.DraftLoraMode.MERGED);
    Chunk chunk = quadraticChunk(tokens(3, 16), 9, 3, true);
    assertClose(
        run(settings, true, tokens(9, 17), chunk), reference(true, tokens(9, 17), chunk), 2e-2);
  }

  static Stream<Arguments> adapterSwitches() {
    return Stream.of(
        Arguments.of(new EngineSettings(1, "scalar", EngineSettings.DraftLoraMode.LOWRANK), 0.0),
        Arguments.of(new EngineSettings(2, "vector", EngineSettings.DraftLoraMode.LOWRANK), 0.0),
        Arguments.of(new EngineSettings(1, "scalar", EngineSettings.DraftLoraMode.MERGED), 0.0),
        // The vector kernels round a row's dot products differently depending on how many rows
        // share the matmul, and merged runs the rows without adapter as a matmul of their own.
        Arguments.of(new EngineSettings(2, "vector", EngineSettings.DraftLoraMode.MERGED), 1e-5));
  }

  /**
   * QuadraticSpec's layout with the adapter on the mask rows only: the chain rows, which see no
   * mask row, give exactly the logits and the cached K/V of the same chunk without the adapter,
   * while the mask rows do change.
   */
  @ParameterizedTest
  @MethodSource("adapterSwitches")
  void rowsThatSeeNoAdapterRowAreUnchangedByTheAdapter(EngineSettings settings, double tolerance) {
    CpuForwardPass pass = new CpuForwardPass(CONFIG, WEIGHTS, Optional.of(ADAPTER), settings);
    int[] prefix = tokens(9, 18);
    int[] draft = tokens(4, 19);
    CpuKvCache mixed = pass.newCache(64);
    CpuKvCache plain = pass.newCache(64);
    pass.forward(mixed, Chunk.causalWrite(prefix, 0, new int[0]));
    pass.forward(plain, Chunk.causalWrite(prefix, 0, new int[0]));
    Chunk withAdapter = quadraticChunk(draft, prefix.length, 4, true);
    Chunk without = quadraticChunk(draft, prefix.length, 4, false);
    assertThat(withAdapter.adapterRows()).hasSize(16).doesNotContain(0, 5, 10, 15);
    Logits a = pass.forward(mixed, withAdapter);
    Logits b = pass.forward(plain, without);
    for (int r : withAdapter.logitRows()) {
      double difference = maxRelativeDifference(a.row(r), b.row(r));
      if (r % 5 == 0) {
        assertThat(difference).as("chain row %d", r).isLessThanOrEqualTo(tolerance);
      } else {
        assertThat(difference).as("mask row %d", r).isGreaterThan(1e-3);
      }
    }
    assertThat(mixed.length()).isEqualTo(plain.length()).isEqualTo(prefix.length + 4);
    for (int l = 0; l < CONFIG.numHiddenLayers(); l++) {
      for (int p = prefix.length; p < mixed.length(); p++) {
        assertThat(maxRelativeDifference(mixed.keys(l, p), plain.keys(l, p)))
            .isLessThanOrEqualTo(tolerance);
        assertThat(maxRelativeDifference(mixed.values(l, p), plain.values(l, p)))
            .isLessThanOrEqualTo(tolerance);
      }
    }
  }

  /**
   * The B sub-blocks {@code [draft[j], M x B]} of a QuadraticSpec round (MODEL.md §6.4) after
   * {@code past} cached positions: chain rows CAUSAL over the chain and written, mask rows seeing
   * the chain up to their draft and their own sub-block, with the adapter when {@code adapter}.
   */
  private static Chunk quadraticChunk(int[] draft, int past, int b, boolean adapter) {
    int n = b * (b + 1);
    int[] tokens = new int[n];
    int[] positions = new int[n];
    BitSet[] visible = new BitSet[n];
    int[] chain = new int[b];
    int[] masks = new int[b * b];
    for (int j = 0; j < b; j++) {
      int row = j * (b + 1);
      chain[j] = row;
      tokens[row] = draft[j];
      positions[row] = past + j;
      visible[row] = new BitSet(n);
      for (int k = 0; k <= j; k++) {
        visible[row].set(k * (b + 1));
      }
      for (int k = 1; k <= b; k++) {
        masks[j * b + k - 1] = row + k;
        tokens[row + k] = RandomModel.MASK;
        positions[row + k] = past + j + k;
        visible[row + k] = (BitSet) visible[row].clone();
        visible[row + k].set(row + 1, row + b + 1);
      }
    }
    return new Chunk(
        tokens,
        positions,
        AttentionMask.perRow(visible),
        chain,
        Chunk.allRows(n),
        adapter ? masks : new int[0]);
  }

  /** {@code max |a - b|} relative to {@code max |b|}. */
  private static double maxRelativeDifference(float[] a, float[] b) {
    double difference = 0;
    double scale = 0;
    for (int i = 0; i < b.length; i++) {
      difference = Math.max(difference, Math.abs(a[i] - b[i]));
      scale = Math.max(scale, Math.abs(b[i]));
    }
    return difference / scale;
  }

  @ParameterizedTest
  @MethodSource("engines")
  void draftForwardMatchesReferenceWithLora(EngineSettings settings) {
    int[] tokens = tokens(5, 9);
    check(settings, true, tokens(9, 10), Chunk.bidirectionalReadOnly(tokens, 9, true));
  }

  /**
   * The merged o_proj is rounded to BF16 like the weights it replaces, so it matches the exact LoRA
   * only to BF16 precision.
   */
  @ParameterizedTest
  @MethodSource("engines")
  void mergedDraftProjectionMatchesReferenceToBf16Precision(EngineSettings base) {
    EngineSettings settings =
        new EngineSettings(base.threads(), base.kernels(), EngineSettings.DraftLoraMode.MERGED);
    int[] tokens = tokens(5, 11);
    Chunk chunk = Chunk.bidirectionalReadOnly(tokens, 9, true);
    assertClose(
        run(settings, true, tokens(9, 12), chunk), reference(true, tokens(9, 12), chunk), 2e-2);
  }

  private static void check(EngineSettings settings, boolean draft, int[] prefix, Chunk chunk) {
    assertClose(run(settings, draft, prefix, chunk), reference(draft, prefix, chunk), TOLERANCE);
  }

  /** Prefills {@code prefix} (CAUSAL, WRITE), then runs the chunk; logits of every chunk row. */
  private static float[][] run(EngineSettings settings, boolean draft, int[] prefix, Chunk chunk) {
    CpuForwardPass pass =
        new CpuForwardPass(
            CONFIG, WEIGHTS, draft ? Optional.of(ADAPTER) : Optional.empty(), settings);
    CpuKvCache cache = pass.newCache(64);
    if (prefix.length > 0) {
      pass.forward(cache, Chunk.causalWrite(prefix, 0, new int[0]));
    }
    Logits logits = pass.forward(cache, chunk);
    float[][] out = new float[chunk.length()][];
    for (int r : chunk.logitRows()) {
      out[r] = logits.row(r);
    }
    return out;
  }

  private static double[][] reference(boolean draft, int[] prefix, Chunk chunk) {
    int p = prefix.length;
    int n = chunk.length();
    int[] tokens = new int[p + n];
    int[] positions = new int[p + n];
    boolean[][] sees = new boolean[p + n][p + n];
    boolean[] lora = new boolean[p + n];
    for (int a : chunk.adapterRows()) {
      lora[p + a] = true;
    }
    for (int i = 0; i < p; i++) {
      tokens[i] = prefix[i];
      positions[i] = i;
      for (int j = 0; j <= i; j++) {
        sees[i][j] = true;
      }
    }
    for (int a = 0; a < n; a++) {
      tokens[p + a] = chunk.tokens()[a];
      positions[p + a] = chunk.positions()[a];
      for (int j = 0; j < p; j++) {
        sees[p + a][j] = true;
      }
      for (int b = 0; b < n; b++) {
        sees[p + a][p + b] = chunk.mask().visible(a, b);
      }
    }
    double[][] all =
        new ReferenceNetwork(CONFIG, WEIGHTS, draft ? ADAPTER : null)
            .logits(tokens, positions, sees, lora);
    double[][] out = new double[n][];
    for (int a = 0; a < n; a++) {
      out[a] = all[p + a];
    }
    return out;
  }

  private static void assertClose(float[][] actual, double[][] expected, double tolerance) {
    for (int r = 0; r < expected.length; r++) {
      double scale = 0;
      for (double e : expected[r]) {
        scale = Math.max(scale, Math.abs(e));
      }
      assertThat(scale).as("row %d logits are not degenerate", r).isGreaterThan(0.1);
      for (int t = 0; t < expected[r].length; t++) {
        assertThat(Math.abs(actual[r][t] - expected[r][t]))
            .as("row %d token %d: engine %s, reference %s", r, t, actual[r][t], expected[r][t])
            .isLessThanOrEqualTo(tolerance * scale);
      }
    }
  }

  private static int[] tokens(int n, long seed) {
    Random random = new Random(seed);
    int[] out = new int[n];
    for (int i = 0; i < n; i++) {
      out[i] = random.nextInt(RandomModel.VOCAB - 1);
    }
    return out;
  }
}
