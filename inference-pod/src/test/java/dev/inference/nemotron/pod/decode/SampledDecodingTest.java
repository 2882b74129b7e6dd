package dev.inference.nemotron.pod.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Sampling at T &gt; 0 through the decoders, and the stop conditions every mode shares, on the
 * scripted double.
 */
class SampledDecodingTest {
  private static final int[] PROMPT = {31, 32, 33, 34};

  private static DecodeResult run(Decoder decoder, ScriptedModel model, DecodeRequest request) {
    return decoder.decode(model, model.newCache(128), request);
  }

  @Test
  void samplingSelfSpeculationReproducesAutoregressiveSampling() {
    Set<List<Integer>> distinct = new HashSet<>();
    int accepted = 0;
    for (long seed = 1; seed <= 12; seed++) {
      SamplingParams params = new SamplingParams(0.9, 20, 0.95, seed, 40, List.of(), List.of());
      int[] ar =
          run(new AutoregressiveDecoder(), scripted(), DecodeRequest.of(PROMPT, params)).ids();
      DecodeResult linear =
          run(new LinearSpecDecoder(6), scripted(), DecodeRequest.of(PROMPT, params));
      DecodeResult quadratic =
          run(new QuadraticSpecDecoder(6), scripted(), DecodeRequest.of(PROMPT, params));
      // Same seed: the verifier samples each position with AR's draw, so the outputs are equal.
      assertThat(linear.ids()).as("seed " + seed).containsExactly(ar);
      assertThat(quadratic.ids()).as("seed " + seed).containsExactly(ar);
      distinct.add(java.util.Arrays.stream(ar).boxed().toList());
      accepted += linear.acceptedTokens();
    }
    // The draws matter (12 seeds give different samples) and drafts still get accepted.
    assertThat(distinct).hasSizeGreaterThan(10);
    assertThat(accepted).isPositive();
  }

  @Test
  void sampledOutputDiffersFromGreedyButIsReproducible() {
    SamplingParams params = new SamplingParams(1.0, 0, 1, 99, 30, List.of(), List.of());
    int[] first = run(new LinearSpecDecoder(4), scripted(), DecodeRequest.of(PROMPT, params)).ids();
    int[] again = run(new LinearSpecDecoder(4), scripted(), DecodeRequest.of(PROMPT, params)).ids();
    int[] greedy =
        run(
                new LinearSpecDecoder(4),
                scripted(),
                DecodeRequest.of(PROMPT, SamplingParams.greedy(30)))
            .ids();
    assertThat(again).containsExactly(first);
    assertThat(first).isNotEqualTo(greedy);
    for (int id : first) {
      assertThat(id).isNotEqualTo(ScriptedModel.MASK);
    }
  }

  @Test
  void stopStringEndsEveryModeAtTheTokenThatCompletesIt() {
    // Text of a token: one letter per id; the stop string is the text of the truth's tokens 5..6.
    ScriptedModel probe = new ScriptedModel(1.0, 8);
    int[] truth = probe.truth(PROMPT, 20);
    Detokenizer letters =
        ids -> {
          StringBuilder s = new StringBuilder();
          for (int id : ids) {
            s.append((char) ('A' + id));
          }
          return s.toString();
        };
    String stop = letters.decode(new int[] {truth[5], truth[6]});
    int firstStop = letters.decode(truth).indexOf(stop) + 1; // index of the completing token
    SamplingParams params = new SamplingParams(0, 0, 1, 0, 20, List.of(), List.of(stop));
    for (Decoder decoder :
        List.of(
            new AutoregressiveDecoder(),
            new DiffusionDecoder(4, 0.9),
            new LinearSpecDecoder(4),
            new QuadraticSpecDecoder(4))) {
      List<Integer> streamed = new java.util.ArrayList<>();
      DecodeResult r =
          run(
              decoder,
              new ScriptedModel(1.0, 8),
              new DecodeRequest(PROMPT, params, letters, streamed::add));
      assertThat(r.stopReason()).as(decoder.mode().toString()).isEqualTo(StopReason.STOP_STRING);
      assertThat(r.ids())
          .as(decoder.mode().toString())
          .containsExactly(java.util.Arrays.copyOf(truth, firstStop + 1));
      assertThat(streamed)
          .containsExactlyElementsOf(java.util.Arrays.stream(r.ids()).boxed().toList());
    }
  }

  @Test
  void tooSmallCacheAndForeignPromptIdsAreRejectedUpFront() {
    ScriptedModel model = scripted();
    assertThatThrownBy(
            () ->
                new LinearSpecDecoder(8)
                    .decode(
                        model,
                        model.newCache(20),
                        DecodeRequest.of(PROMPT, SamplingParams.greedy(10))))
        .hasMessageContaining("needs 22 free cache positions");
    assertThatThrownBy(
            () ->
                new AutoregressiveDecoder()
                    .decode(
                        model,
                        model.newCache(20),
                        DecodeRequest.of(new int[] {1, 50}, SamplingParams.greedy(3))))
        .hasMessageContaining("prompt token 1 is 50");
    assertThat(model.calls).isEmpty();
  }

  private static ScriptedModel scripted() {
    return new ScriptedModel(0.6, 77).spread(6);
  }
}
