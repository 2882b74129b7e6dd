package dev.inference.nemotron.pod.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.inference.nemotron.pod.engine.AttentionMask;
import dev.inference.nemotron.pod.engine.Chunk;
import dev.inference.nemotron.pod.engine.KvCache;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The confidence-threshold rule of MODEL.md §6.2 on the scripted double, with crafted confidences:
 * slot s of the first block sits at position 3 + s (the prompt has 3 tokens, the seed is slot 0).
 */
class DiffusionDecoderTest {
  private static final int[] PROMPT = {21, 22, 23};

  private static DecodeResult run(ScriptedModel model, int blockSize, SamplingParams params) {
    ScriptedModel.Cache cache = (ScriptedModel.Cache) model.newCache(64);
    DecodeResult r =
        new DiffusionDecoder(blockSize, 0.9).decode(model, cache, DecodeRequest.of(PROMPT, params));
    assertThat(model.calls).hasSize(r.forwards());
    assertThat(cache.tokens())
        .containsExactly(
            SelfSpeculationAccountingTest.concat(PROMPT, Arrays.copyOf(r.ids(), r.cachedTokens())));
    return r;
  }

  /** The masked slots each denoising step asked logits for. */
  private static List<List<Integer>> maskedSlotsPerStep(ScriptedModel model) {
    return model.calls.stream()
        .filter(c -> c.mask() == AttentionMask.BIDIRECTIONAL)
        .map(c -> Arrays.stream(c.logitRows()).boxed().toList())
        .toList();
  }

  @Test
  void revealsTheMostConfidentSlotPlusEverySlotAtOrAboveThreshold() {
    double[] bySlot = {1, 0.95, 0.5, 0.92, 0.6, 0.7, 0.3, 0.99};
    ScriptedModel model = new ScriptedModel(1.0, 1).confidence(position -> bySlot[position - 3]);
    DecodeResult r = run(model, 8, SamplingParams.greedy(8));
    // Step 1: slots 1, 3, 7 reach 0.9. Then one per step, most confident first: 5, 4, 2, 6.
    assertThat(maskedSlotsPerStep(model))
        .containsExactly(
            List.of(1, 2, 3, 4, 5, 6, 7),
            List.of(2, 4, 5, 6),
            List.of(2, 4, 6),
            List.of(2, 6),
            List.of(6));
    assertThat(r.diffusionStepsPerBlock()).containsExactly(5);
    assertThat(r.ids()).containsExactly(model.truth(PROMPT, 8));
    // Prefill + 5 steps; the last block is never committed.
    assertThat(r.forwards()).isEqualTo(6);
    assertThat(r.cachedTokens()).isZero();
    for (Chunk step : model.calls.subList(1, 6)) {
      assertThat(step.writeRows()).isEmpty();
      assertThat(step.adapterRows()).isEmpty();
      assertThat(step.positions()).containsExactly(3, 4, 5, 6, 7, 8, 9, 10);
    }
  }

  @Test
  void equalConfidencesRevealOneSlotPerStepLowestFirst() {
    // Identical rows: floating-point sums cannot break the tie, only the slot order does.
    ScriptedModel model = new ScriptedModel(1.0, 2).draftAlways(9).confidence(position -> 0.5);
    DecodeResult r = run(model, 8, SamplingParams.greedy(8));
    assertThat(r.diffusionStepsPerBlock()).containsExactly(7);
    List<List<Integer>> steps = maskedSlotsPerStep(model);
    for (int s = 0; s < 7; s++) {
      assertThat(steps.get(s).get(0)).isEqualTo(s + 1);
      assertThat(steps.get(s)).hasSize(7 - s);
    }
  }

  @Test
  void stopsDenoisingOnceEosHasNoMaskBeforeIt() {
    // EOS is the truth at slot 2; slots 1 and 2 are confident, the rest are not.
    ScriptedModel model =
        new ScriptedModel(1.0, 3)
            .eosAt(PROMPT.length + 2)
            .confidence(position -> position == 4 ? 0.95 : position == 5 ? 0.96 : 0.3);
    DecodeResult r =
        run(model, 8, SamplingParams.greedy(30).withStopTokenIds(List.of(ScriptedModel.EOS)));
    assertThat(r.diffusionStepsPerBlock()).containsExactly(1);
    assertThat(r.ids()).hasSize(3).containsExactly(model.truth(PROMPT, 30));
    assertThat(r.ids()[2]).isEqualTo(ScriptedModel.EOS);
    assertThat(r.stopReason()).isEqualTo(StopReason.EOS);
    assertThat(r.forwards()).isEqualTo(2);
  }

  @Test
  void eosRevealedBehindAMaskKeepsDenoising() {
    // EOS at slot 3 is revealed first, but slot 1 and 2 are still masked then.
    ScriptedModel model =
        new ScriptedModel(1.0, 4)
            .eosAt(PROMPT.length + 3)
            .confidence(
                position ->
                    position == 6 ? 0.99 : position == 4 ? 0.5 : position == 5 ? 0.45 : 0.4);
    DecodeResult r =
        run(model, 8, SamplingParams.greedy(30).withStopTokenIds(List.of(ScriptedModel.EOS)));
    // Step 1 reveals slot 3 (EOS), step 2 slot 1, step 3 slot 2: then nothing masked precedes EOS.
    assertThat(r.diffusionStepsPerBlock()).containsExactly(3);
    assertThat(r.ids()).hasSize(4).endsWith(ScriptedModel.EOS);
  }

  @Test
  void commitsEveryFullBlockAndCutsTheLastAtMaxTokens() {
    ScriptedModel model = new ScriptedModel(1.0, 5).confidence(position -> 0.95);
    DecodeResult r = run(model, 4, SamplingParams.greedy(10));
    assertThat(r.ids()).containsExactly(model.truth(PROMPT, 10));
    assertThat(r.stopReason()).isEqualTo(StopReason.MAX_TOKENS);
    // Blocks of 4, 4 and 2 (cut): 1 step each; the first two are committed.
    assertThat(r.diffusionStepsPerBlock()).containsExactly(1, 1, 1);
    assertThat(r.forwards()).isEqualTo(1 + 3 + 2);
    assertThat(r.cachedTokens()).isEqualTo(8);
    Chunk commit = model.calls.get(2);
    assertThat(commit.mask()).isSameAs(AttentionMask.CAUSAL);
    assertThat(commit.tokens()).containsExactly(Arrays.copyOf(r.ids(), 4));
    assertThat(commit.positions()).containsExactly(3, 4, 5, 6);
  }

  @Test
  void blockSizeOneDegeneratesToOneCommitPerToken() {
    ScriptedModel model = new ScriptedModel(1.0, 6);
    DecodeResult r = run(model, 1, SamplingParams.greedy(5));
    assertThat(r.ids()).containsExactly(model.truth(PROMPT, 5));
    assertThat(r.diffusionStepsPerBlock()).containsExactly(0, 0, 0, 0, 0);
    assertThat(r.forwards()).isEqualTo(5);
  }

  @Test
  void seedThatIsEosCostsNoDenoisingStep() {
    // The output of a step would be the stop token alone whatever it revealed: no forward for it.
    ScriptedModel model = new ScriptedModel(1.0, 7).eosAt(PROMPT.length);
    DecodeResult r = run(model, 8, SamplingParams.greedy(20).withStopTokenIds(List.of(3)));
    assertThat(r.ids()).containsExactly(ScriptedModel.EOS);
    assertThat(r.diffusionStepsPerBlock()).containsExactly(0);
    assertThat(r.forwards()).isEqualTo(1);
    assertThat(r.cachedTokens()).isZero();
  }

  @Test
  void theBudgetBoundsTheDenoisingStepsOfTheLastBlock() {
    // threshold 1: one slot revealed per step. Two tokens = the seed + one revealed slot, so one
    // step, not the 31 a full block of 32 would take; the slot beyond the budget is never asked.
    ScriptedModel model = new ScriptedModel(1.0, 8);
    DiffusionDecoder decoder = new DiffusionDecoder(32, 1.0);
    KvCache cache = model.newCache(decoder.cacheCapacity(PROMPT.length, 2));
    DecodeResult r =
        decoder.decode(model, cache, DecodeRequest.of(PROMPT, SamplingParams.greedy(2)));
    assertThat(r.ids()).containsExactly(model.truth(PROMPT, 2));
    assertThat(r.forwards()).isEqualTo(2);
    assertThat(model.calls.get(1).logitRows()).containsExactly(1);
  }

  @Test
  void blocksInsideTheBudgetMatchTheTruncatedOutputOfALargerBudget() {
    ScriptedModel small = new ScriptedModel(0.6, 9);
    ScriptedModel large = new ScriptedModel(0.6, 9);
    DecodeResult eleven = run(small, 8, SamplingParams.greedy(11));
    DecodeResult forty = run(large, 8, SamplingParams.greedy(40));
    assertThat(eleven.ids()).containsExactly(Arrays.copyOf(forty.ids(), 11));
  }

  @Test
  void rejectsBadSettings() {
    assertThatThrownBy(() -> new DiffusionDecoder(0, 0.9)).hasMessageContaining("block size");
    assertThatThrownBy(() -> new DiffusionDecoder(8, 1.5)).hasMessageContaining("threshold");
  }
}
