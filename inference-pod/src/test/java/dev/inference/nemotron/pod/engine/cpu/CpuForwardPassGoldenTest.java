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
            false);
    check(settings, false, tokens(9, 8), chunk);
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
            .logits(tokens, positions, sees, p);
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
