package dev.inference.nemotron.pod.engine.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.inference.nemotron.pod.engine.AttentionMask;
import dev.inference.nemotron.pod.engine.Chunk;
import dev.inference.nemotron.pod.engine.KvCache;
import dev.inference.nemotron.pod.engine.Logits;
import dev.inference.nemotron.pod.model.LayerWeights;
import dev.inference.nemotron.pod.model.ModelConfig;
import dev.inference.nemotron.pod.model.ModelWeights;
import dev.inference.nemotron.pod.model.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Cache, mask and adapter behaviour of the CPU forward pass (MODEL.md §5). */
class CpuForwardPassTest {
  private static final EngineSettings VECTOR =
      new EngineSettings(2, "vector", EngineSettings.DraftLoraMode.LOWRANK);
  private static final ModelWeights WEIGHTS = RandomModel.weights(21);
  private static final CpuForwardPass PASS =
      new CpuForwardPass(RandomModel.config(), WEIGHTS, Optional.empty(), VECTOR);
  private static final CpuForwardPass WITH_ADAPTER =
      new CpuForwardPass(
          RandomModel.config(), WEIGHTS, Optional.of(RandomModel.adapter(22)), VECTOR);
  private static final int[] PROMPT = {5, 17, 3, 30, 8, 12, 1, 26, 9, 14, 33};

  @Test
  void causalPrefillOfNTokensEqualsNOneTokenSteps() {
    CpuKvCache prefilled = PASS.newCache(32);
    Logits all =
        PASS.forward(prefilled, Chunk.causalWrite(PROMPT, 0, Chunk.allRows(PROMPT.length)));
    CpuKvCache stepped = PASS.newCache(32);
    for (int i = 0; i < PROMPT.length; i++) {
      Logits one =
          PASS.forward(stepped, Chunk.causalWrite(new int[] {PROMPT[i]}, i, new int[] {0}));
      assertWithin(one.row(0), all.row(i), 1e-4);
    }
    assertThat(stepped.length()).isEqualTo(prefilled.length()).isEqualTo(PROMPT.length);
    for (int p = 0; p < PROMPT.length; p++) {
      assertWithin(stepped.keys(1, p), prefilled.keys(1, p), 1e-4);
      assertWithin(stepped.values(1, p), prefilled.values(1, p), 1e-4);
    }
  }

  @Test
  void warmUpRunsAtLeastOneForwardAtMostTheCapAndChangesNoResult() {
    CpuKvCache before = PASS.newCache(32);
    Logits cold = PASS.forward(before, Chunk.causalWrite(PROMPT, 0, new int[] {PROMPT.length - 1}));
    // A zero budget still runs one forward; a long one also runs the 4-row prompt forward.
    assertThat(PASS.warmUp(java.time.Duration.ZERO)).isEqualTo(1);
    // Past the 32 scratch positions, so the scratch cache is cropped and refilled on the way.
    assertThat(PASS.warmUp(java.time.Duration.ofMinutes(1)))
        .isEqualTo(CpuForwardPass.WARM_UP_MAX_FORWARDS);
    CpuKvCache after = PASS.newCache(32);
    Logits warm = PASS.forward(after, Chunk.causalWrite(PROMPT, 0, new int[] {PROMPT.length - 1}));
    assertThat(warm.row(PROMPT.length - 1)).isEqualTo(cold.row(PROMPT.length - 1));
  }

  @Test
  void readOnlyForwardLeavesTheCacheUnchanged() {
    CpuKvCache cache = PASS.newCache(32);
    PASS.forward(cache, Chunk.causalWrite(PROMPT, 0, new int[0]));
    float[][] keysBefore = snapshot(cache, true);
    float[][] valuesBefore = snapshot(cache, false);
    float[][] storageBefore = storage(cache);
    int[] block = {4, RandomModel.MASK, RandomModel.MASK, RandomModel.MASK};
    PASS.forward(cache, Chunk.bidirectionalReadOnly(block, cache.length(), false));
    Chunk causalReadOnly =
        new Chunk(
            block,
            new int[] {11, 12, 13, 14},
            AttentionMask.CAUSAL,
            new int[0],
            Chunk.allRows(4),
            new int[0]);
    PASS.forward(cache, causalReadOnly);
    assertThat(cache.length()).isEqualTo(PROMPT.length);
    assertThat(snapshot(cache, true)).isDeepEqualTo(keysBefore);
    assertThat(snapshot(cache, false)).isDeepEqualTo(valuesBefore);
    assertThat(storage(cache)).isDeepEqualTo(storageBefore);
  }

  @Test
  void cropThenReappendEqualsNeverHavingAppended() {
    int[] rejected = {7, 7, 7, 7};
    int[] accepted = {19, 2, 25};
    CpuKvCache cropped = PASS.newCache(32);
    PASS.forward(cropped, Chunk.causalWrite(PROMPT, 0, new int[0]));
    PASS.forward(cropped, Chunk.causalWrite(rejected, PROMPT.length, new int[0]));
    cropped.crop(PROMPT.length);
    Logits afterCrop =
        PASS.forward(cropped, Chunk.causalWrite(accepted, PROMPT.length, Chunk.allRows(3)));

    CpuKvCache clean = PASS.newCache(32);
    PASS.forward(clean, Chunk.causalWrite(PROMPT, 0, new int[0]));
    Logits direct =
        PASS.forward(clean, Chunk.causalWrite(accepted, PROMPT.length, Chunk.allRows(3)));

    for (int r = 0; r < 3; r++) {
      assertThat(afterCrop.row(r)).containsExactly(direct.row(r));
    }
    assertThat(snapshot(cropped, true)).isDeepEqualTo(snapshot(clean, true));
    assertThat(snapshot(cropped, false)).isDeepEqualTo(snapshot(clean, false));
  }

  @Test
  void perRowMaskEncodingCausalityEqualsCausal() {
    int n = 6;
    BitSet[] rows = new BitSet[n];
    for (int i = 0; i < n; i++) {
      rows[i] = new BitSet();
      rows[i].set(0, i + 1);
    }
    int[] block = Arrays.copyOf(PROMPT, n);
    CpuKvCache a = prefilledCache();
    CpuKvCache b = prefilledCache();
    int past = a.length();
    int[] positions = {past, past + 1, past + 2, past + 3, past + 4, past + 5};
    Logits perRow =
        PASS.forward(
            a,
            new Chunk(
                block,
                positions,
                AttentionMask.perRow(rows),
                Chunk.allRows(n),
                Chunk.allRows(n),
                new int[0]));
    Logits causal = PASS.forward(b, Chunk.causalWrite(block, past, Chunk.allRows(n)));
    for (int r = 0; r < n; r++) {
      assertThat(perRow.row(r)).containsExactly(causal.row(r));
    }
    assertThat(snapshot(a, true)).isDeepEqualTo(snapshot(b, true));
  }

  /**
   * In a one-layer network the last row sees the same keys under both patterns and row 0 sees more
   * under BIDIRECTIONAL. With two layers the last row differs too: the second layer's keys of the
   * other rows were computed bidirectionally (MODEL.md §5: only layer 0's K/V are pattern-free).
   */
  @Test
  void bidirectionalRowsDifferFromCausalOnlyWhereTheySeeMore() {
    ModelConfig c = RandomModel.config();
    ModelConfig oneLayerConfig =
        new ModelConfig(
            c.hiddenSize(),
            1,
            c.intermediateSize(),
            c.numAttentionHeads(),
            c.numKeyValueHeads(),
            c.headDim(),
            c.vocabSize(),
            c.rmsNormEps(),
            c.maxPositionEmbeddings(),
            c.maskTokenId(),
            c.blockSize(),
            c.eosTokenIds(),
            c.bosTokenId(),
            c.rope());
    ModelWeights oneLayerWeights =
        new ModelWeights(
            WEIGHTS.embedTokens(),
            WEIGHTS.layers().subList(0, 1),
            WEIGHTS.finalNorm(),
            WEIGHTS.lmHead());
    CpuForwardPass oneLayer =
        new CpuForwardPass(oneLayerConfig, oneLayerWeights, Optional.empty(), VECTOR);

    Logits[] one = bothPatterns(oneLayer);
    assertThat(maxDifference(one[0].row(0), one[1].row(0))).isGreaterThan(1e-3);
    assertWithin(one[0].row(3), one[1].row(3), 1e-5);
    Logits[] two = bothPatterns(PASS);
    assertThat(maxDifference(two[0].row(0), two[1].row(0))).isGreaterThan(1e-3);
    assertThat(maxDifference(two[0].row(3), two[1].row(3))).isGreaterThan(1e-4);

    // A one-row chunk sees the same keys under both patterns, at any depth.
    CpuKvCache cache = prefilledCache();
    Logits single =
        PASS.forward(cache, Chunk.bidirectionalReadOnly(new int[] {4}, PROMPT.length, false));
    Logits singleCausal =
        PASS.forward(cache, Chunk.causalWrite(new int[] {4}, PROMPT.length, new int[] {0}));
    assertWithin(single.row(0), singleCausal.row(0), 1e-6);
  }

  /** The same block after the prompt, BIDIRECTIONAL then CAUSAL, both READ_ONLY. */
  private static Logits[] bothPatterns(CpuForwardPass pass) {
    int[] block = {4, RandomModel.MASK, 11, RandomModel.MASK};
    CpuKvCache cache = pass.newCache(32);
    pass.forward(cache, Chunk.causalWrite(PROMPT, 0, new int[0]));
    int past = cache.length();
    Logits bidirectional = pass.forward(cache, Chunk.bidirectionalReadOnly(block, past, false));
    Logits causal =
        pass.forward(
            cache,
            new Chunk(
                block,
                new int[] {past, past + 1, past + 2, past + 3},
                AttentionMask.CAUSAL,
                new int[0],
                Chunk.allRows(4),
                new int[0]));
    return new Logits[] {bidirectional, causal};
  }

  @Test
  void draftAdapterChangesDraftLogitsAndNothingElse() {
    int[] block = {4, RandomModel.MASK, RandomModel.MASK, RandomModel.MASK};
    assertThat(WITH_ADAPTER.hasDraftAdapter()).isTrue();
    assertThat(PASS.hasDraftAdapter()).isFalse();
    CpuKvCache withAdapter = WITH_ADAPTER.newCache(32);
    CpuKvCache without = PASS.newCache(32);
    Logits prefillA =
        WITH_ADAPTER.forward(
            withAdapter, Chunk.causalWrite(PROMPT, 0, Chunk.allRows(PROMPT.length)));
    Logits prefillB =
        PASS.forward(without, Chunk.causalWrite(PROMPT, 0, Chunk.allRows(PROMPT.length)));
    for (int r = 0; r < PROMPT.length; r++) {
      assertThat(prefillA.row(r)).containsExactly(prefillB.row(r));
    }
    assertThat(snapshot(withAdapter, true)).isDeepEqualTo(snapshot(without, true));

    int past = PROMPT.length;
    Logits draft =
        WITH_ADAPTER.forward(withAdapter, Chunk.bidirectionalReadOnly(block, past, true));
    Logits plain =
        WITH_ADAPTER.forward(withAdapter, Chunk.bidirectionalReadOnly(block, past, false));
    Logits noAdapter = PASS.forward(without, Chunk.bidirectionalReadOnly(block, past, true));
    for (int r = 0; r < block.length; r++) {
      assertThat(maxDifference(draft.row(r), plain.row(r))).isGreaterThan(1e-3);
      assertThat(plain.row(r)).containsExactly(noAdapter.row(r));
    }
  }

  @Test
  void scalarAndVectorKernelsAgreeOnAFullForward() {
    CpuForwardPass scalar =
        new CpuForwardPass(
            RandomModel.config(),
            WEIGHTS,
            Optional.of(RandomModel.adapter(22)),
            new EngineSettings(1, "scalar", EngineSettings.DraftLoraMode.LOWRANK));
    Logits s = scalar.forward(scalar.newCache(32), Chunk.bidirectionalReadOnly(PROMPT, 0, true));
    Logits v =
        WITH_ADAPTER.forward(
            WITH_ADAPTER.newCache(32), Chunk.bidirectionalReadOnly(PROMPT, 0, true));
    for (int r = 0; r < PROMPT.length; r++) {
      assertWithin(v.row(r), s.row(r), 1e-4);
    }
  }

  @Test
  void logitsAreComputedOnlyForRequestedRows() {
    Logits last =
        PASS.forward(PASS.newCache(32), Chunk.causalWrite(PROMPT, 0, Chunk.lastRow(PROMPT.length)));
    assertThat(last.rows()).containsExactly(PROMPT.length - 1);
    assertThat(last.row(PROMPT.length - 1)).hasSize(RandomModel.VOCAB);
    assertThatThrownBy(() -> last.row(0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void rejectsWritesThatDoNotContinueTheCache() {
    CpuKvCache cache = prefilledCache();
    assertThatThrownBy(
            () -> PASS.forward(cache, Chunk.causalWrite(new int[] {1, 2}, 3, new int[0])))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("next free position is " + PROMPT.length);
    assertThat(cache.length()).isEqualTo(PROMPT.length);
  }

  @Test
  void rejectsCacheOverflowBeforeChangingAnything() {
    CpuKvCache cache = PASS.newCache(12);
    PASS.forward(cache, Chunk.causalWrite(PROMPT, 0, new int[0]));
    assertThatThrownBy(
            () ->
                PASS.forward(cache, Chunk.causalWrite(new int[] {1, 2}, PROMPT.length, new int[0])))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("capacity 12");
    assertThat(cache.length()).isEqualTo(PROMPT.length);
  }

  @Test
  void rejectsTokensOutsideTheVocabularyAndForeignCaches() {
    assertThatThrownBy(
            () ->
                PASS.forward(
                    PASS.newCache(4),
                    Chunk.causalWrite(new int[] {RandomModel.VOCAB}, 0, new int[0])))
        .hasMessageContaining("outside the vocabulary");
    KvCache foreign =
        new CpuKvCache(RandomModel.LAYERS + 1, RandomModel.KV_HEADS * RandomModel.HEAD_DIM, 4);
    assertThatThrownBy(() -> PASS.forward(foreign, Chunk.causalWrite(new int[] {1}, 0, new int[0])))
        .hasMessageContaining("not created by this forward pass");
  }

  @Test
  void rejectsWeightsWhoseShapeDisagreesWithTheConfig() {
    LayerWeights l0 = WEIGHTS.layers().get(0);
    LayerWeights bad =
        new LayerWeights(
            l0.inputNorm(),
            l0.qProj(),
            l0.kProj(),
            l0.vProj(),
            l0.oProj(),
            l0.postAttentionNorm(),
            l0.gateProj(),
            l0.upProj(),
            Tensor.ofFloats(
                "encoder.layers.0.mlp.down_proj.weight",
                new float[RandomModel.HIDDEN * 3],
                RandomModel.HIDDEN,
                3));
    List<LayerWeights> layers = new ArrayList<>(WEIGHTS.layers());
    layers.set(0, bad);
    ModelWeights weights =
        new ModelWeights(WEIGHTS.embedTokens(), layers, WEIGHTS.finalNorm(), WEIGHTS.lmHead());
    assertThatThrownBy(
            () -> new CpuForwardPass(RandomModel.config(), weights, Optional.empty(), VECTOR))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("encoder.layers.0.mlp.down_proj.weight")
        .hasMessageContaining("[48, 64]");
  }

  private static CpuKvCache prefilledCache() {
    CpuKvCache cache = PASS.newCache(32);
    PASS.forward(cache, Chunk.causalWrite(PROMPT, 0, new int[0]));
    return cache;
  }

  /** Every layer's keys (or values) at the cached positions, and the length. */
  private static float[][] snapshot(CpuKvCache cache, boolean keys) {
    float[][] out = new float[cache.layers() + 1][];
    for (int l = 0; l < cache.layers(); l++) {
      float[] store = keys ? cache.layerKeys(l) : cache.layerValues(l);
      out[l] = Arrays.copyOf(store, cache.length() * cache.width());
    }
    out[cache.layers()] = new float[] {cache.length()};
    return out;
  }

  /** Every layer's whole key and value storage, so that stray writes past the length show too. */
  private static float[][] storage(CpuKvCache cache) {
    float[][] out = new float[2 * cache.layers()][];
    for (int l = 0; l < cache.layers(); l++) {
      out[2 * l] = cache.layerKeys(l).clone();
      out[2 * l + 1] = cache.layerValues(l).clone();
    }
    return out;
  }

  private static double maxDifference(float[] a, float[] b) {
    double max = 0;
    for (int i = 0; i < a.length; i++) {
      max = Math.max(max, Math.abs(a[i] - b[i]));
    }
    return max;
  }

  private static void assertWithin(float[] actual, float[] expected, double tolerance) {
    assertThat(actual).hasSameSizeAs(expected);
    assertThat(maxDifference(actual, expected)).isLessThanOrEqualTo(tolerance);
  }
}
