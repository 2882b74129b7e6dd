package dev.inference.nemotron.pod.decode;

import static org.assertj.core.api.Assertions.assertThat;

import dev.inference.nemotron.pod.engine.AttentionMask;
import dev.inference.nemotron.pod.engine.Chunk;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Forward and token accounting of the self-speculation modes on the scripted double, where every
 * draft is right or wrong by construction, so each figure is known exactly.
 */
class SelfSpeculationAccountingTest {
  private static final int[] PROMPT = {11, 12, 13};
  private static final int B = 4;

  private static Outcome run(Decoder decoder, ScriptedModel model, SamplingParams params) {
    ScriptedModel.Cache cache = (ScriptedModel.Cache) model.newCache(64);
    DecodeResult result = decoder.decode(model, cache, DecodeRequest.of(PROMPT, params));
    assertThat(model.calls).hasSize(result.forwards());
    return new Outcome(result, cache.tokens());
  }

  private record Outcome(DecodeResult result, int[] cache) {}

  @Test
  void linearSpecWithPerfectDrafterEmitsBlockPerTwoForwards() {
    ScriptedModel model = new ScriptedModel(1.0, 1);
    Outcome o = run(new LinearSpecDecoder(B), model, SamplingParams.greedy(1 + 5 * B));
    DecodeResult r = o.result();
    // Prefill: 1 forward, 1 token. Each round: draft + verify, B tokens.
    assertThat(r.ids()).containsExactly(model.truth(PROMPT, 21));
    assertThat(r.forwards()).isEqualTo(1 + 2 * 5);
    assertThat(r.rounds()).isEqualTo(5);
    assertThat(r.draftedTokens()).isEqualTo(5 * (B - 1));
    assertThat(r.acceptedTokens()).isEqualTo(5 * (B - 1));
    assertThat(r.meanAcceptanceLength()).isEqualTo(B);
    assertThat(r.stopReason()).isEqualTo(StopReason.MAX_TOKENS);

    Chunk prefill = model.calls.get(0);
    Chunk draft = model.calls.get(1);
    Chunk verify = model.calls.get(2);
    assertThat(prefill.mask()).isSameAs(AttentionMask.CAUSAL);
    assertThat(prefill.writeRows()).containsExactly(0, 1, 2);
    assertThat(prefill.adapterRows()).isEmpty();
    assertThat(draft.mask()).isSameAs(AttentionMask.BIDIRECTIONAL);
    assertThat(draft.writeRows()).isEmpty();
    assertThat(draft.adapterRows()).containsExactly(0, 1, 2, 3);
    assertThat(draft.tokens()).containsExactly(r.ids()[0], 7, 7, 7);
    assertThat(draft.positions()).containsExactly(3, 4, 5, 6);
    assertThat(verify.mask()).isSameAs(AttentionMask.CAUSAL);
    assertThat(verify.adapterRows()).isEmpty();
    assertThat(verify.tokens()).containsExactly(Arrays.copyOfRange(r.ids(), 0, B));
  }

  @Test
  void quadraticSpecWithPerfectDrafterEmitsBlockPerForward() {
    ScriptedModel model = new ScriptedModel(1.0, 2);
    Outcome o = run(new QuadraticSpecDecoder(B), model, SamplingParams.greedy(1 + 5 * B));
    DecodeResult r = o.result();
    // The prefill [prompt, M x B] gives the first token and the first draft: then B per forward.
    assertThat(r.ids()).containsExactly(model.truth(PROMPT, 21));
    assertThat(r.forwards()).isEqualTo(1 + 5);
    assertThat(r.rounds()).isEqualTo(5);
    assertThat(r.meanAcceptanceLength()).isEqualTo(B);

    Chunk prefill = model.calls.get(0);
    assertThat(prefill.tokens()).containsExactly(11, 12, 13, 7, 7, 7, 7);
    assertThat(prefill.writeRows()).containsExactly(0, 1, 2);
    assertThat(prefill.mask().visible(1, 2)).isFalse();
    assertThat(prefill.mask().visible(3, 6)).isTrue();
    assertThat(prefill.mask().visible(2, 3)).isFalse();
    // The adapter drafts on the mask rows only; the prompt rows are an exact causal prefill.
    assertThat(prefill.adapterRows()).containsExactly(3, 4, 5, 6);
    Chunk round = model.calls.get(1);
    assertThat(round.length()).isEqualTo(B * (B + 1));
    assertThat(round.writeRows()).containsExactly(0, 5, 10, 15);
    // Every row but the chain (the verify rows) is a mask row and has the adapter.
    for (Chunk later : model.calls.subList(1, model.calls.size())) {
      assertThat(later.adapterRows())
          .containsExactly(1, 2, 3, 4, 6, 7, 8, 9, 11, 12, 13, 14, 16, 17, 18, 19);
      for (int row : later.adapterRows()) {
        assertThat(later.tokens()[row]).isEqualTo(ScriptedModel.MASK);
      }
    }
    // Chain row 2 (position 5) sees chain rows 0..2 only; mask row (2, 1) sees its sub-block.
    assertThat(round.positions()[10]).isEqualTo(5);
    assertThat(round.mask().visible(10, 5)).isTrue();
    assertThat(round.mask().visible(10, 15)).isFalse();
    assertThat(round.mask().visible(10, 11)).isFalse();
    assertThat(round.positions()[11]).isEqualTo(6);
    assertThat(round.mask().visible(11, 14)).isTrue();
    assertThat(round.mask().visible(11, 10)).isTrue();
    assertThat(round.mask().visible(11, 6)).isFalse();
  }

  @Test
  void wrongDraftsStillYieldOneVerifiedTokenPerRound() {
    for (Decoder decoder : List.of(new LinearSpecDecoder(B), new QuadraticSpecDecoder(B))) {
      ScriptedModel model = new ScriptedModel(0.0, 3);
      DecodeResult r = run(decoder, model, SamplingParams.greedy(9)).result();
      assertThat(r.ids()).containsExactly(model.truth(PROMPT, 9));
      assertThat(r.rounds()).isEqualTo(8);
      assertThat(r.acceptedTokens()).isZero();
      assertThat(r.meanAcceptanceLength()).isEqualTo(1.0);
      int perRound = decoder instanceof LinearSpecDecoder ? 2 : 1;
      assertThat(r.forwards()).isEqualTo(1 + perRound * 8);
    }
  }

  @Test
  void partialDraftsAreLosslessAndCountedPerRound() {
    for (long salt = 10; salt < 20; salt++) {
      for (Decoder decoder : List.of(new LinearSpecDecoder(6), new QuadraticSpecDecoder(6))) {
        ScriptedModel model = new ScriptedModel(0.7, salt);
        DecodeResult r = run(decoder, model, SamplingParams.greedy(40)).result();
        assertThat(r.ids()).containsExactly(model.truth(PROMPT, 40));
        int perRound = decoder instanceof LinearSpecDecoder ? 2 : 1;
        assertThat(r.forwards()).isEqualTo(1 + perRound * r.rounds());
        assertThat(r.draftedTokens()).isEqualTo(5 * r.rounds());
        // Every round but the last emits its whole acceptance length; the last may be cut.
        assertThat(1 + r.acceptedTokens() + r.rounds()).isGreaterThanOrEqualTo(40);
        assertThat(1 + r.acceptedTokens() + r.rounds() - 40).isLessThan(6);
        assertThat(r.meanAcceptanceLength()).isBetween(1.0, 6.0);
      }
    }
  }

  @Test
  void eosInsideARoundStopsRightAfterIt() {
    for (Decoder decoder :
        List.of(
            new AutoregressiveDecoder(), new LinearSpecDecoder(B), new QuadraticSpecDecoder(B))) {
      ScriptedModel model = new ScriptedModel(1.0, 4).eosAt(PROMPT.length + 9);
      Outcome o = run(decoder, model, SamplingParams.greedy(50).withStopTokenIds(List.of(3)));
      DecodeResult r = o.result();
      assertThat(r.ids()).hasSize(10).containsExactly(model.truth(PROMPT, 50));
      assertThat(r.ids()[9]).isEqualTo(ScriptedModel.EOS);
      assertThat(r.stopReason()).isEqualTo(StopReason.EOS);
      assertThat(r.cachedTokens()).isEqualTo(9);
      assertThat(o.cache()).containsExactly(concat(PROMPT, Arrays.copyOf(r.ids(), 9)));
      int expectedForwards =
          switch (decoder.mode()) {
            case AUTOREGRESSIVE -> 10;
            case LINEAR_SPEC -> 1 + 2 * 3; // 1 + 4 + 4 tokens, then the round holding EOS
            default -> 1 + 3;
          };
      assertThat(r.forwards()).as(decoder.mode().toString()).isEqualTo(expectedForwards);
    }
  }

  @Test
  void maxTokensCutsTheLastRoundExactly() {
    for (Decoder decoder : List.of(new LinearSpecDecoder(B), new QuadraticSpecDecoder(B))) {
      ScriptedModel model = new ScriptedModel(1.0, 5);
      Outcome o = run(decoder, model, SamplingParams.greedy(7));
      DecodeResult r = o.result();
      assertThat(r.ids()).containsExactly(model.truth(PROMPT, 7));
      assertThat(r.stopReason()).isEqualTo(StopReason.MAX_TOKENS);
      assertThat(r.rounds()).isEqualTo(2);
      assertThat(r.forwards()).isEqualTo(decoder instanceof LinearSpecDecoder ? 5 : 3);
      assertThat(r.cachedTokens()).isEqualTo(6);
      assertThat(o.cache()).containsExactly(concat(PROMPT, Arrays.copyOf(r.ids(), 6)));
    }
  }

  @Test
  void firstTokenEosCostsOnlyThePrefill() {
    for (Decoder decoder :
        List.of(
            new AutoregressiveDecoder(), new LinearSpecDecoder(B), new QuadraticSpecDecoder(B))) {
      ScriptedModel model = new ScriptedModel(1.0, 6).eosAt(PROMPT.length);
      Outcome o = run(decoder, model, SamplingParams.greedy(20).withStopTokenIds(List.of(3)));
      assertThat(o.result().ids()).containsExactly(ScriptedModel.EOS);
      assertThat(o.result().forwards()).isEqualTo(1);
      assertThat(o.cache()).containsExactly(PROMPT);
    }
  }

  @Test
  void cacheHoldsPromptAndAllButTheLastTokenAfterEveryRound() {
    for (long salt = 30; salt < 36; salt++) {
      for (Decoder decoder :
          List.of(
              new AutoregressiveDecoder(), new LinearSpecDecoder(5), new QuadraticSpecDecoder(5))) {
        ScriptedModel model = new ScriptedModel(0.5, salt);
        Outcome o = run(decoder, model, SamplingParams.greedy(23));
        int[] ids = o.result().ids();
        assertThat(o.result().cachedTokens()).isEqualTo(ids.length - 1);
        assertThat(o.cache()).containsExactly(concat(PROMPT, Arrays.copyOf(ids, ids.length - 1)));
      }
    }
  }

  static int[] concat(int[] a, int[] b) {
    int[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
