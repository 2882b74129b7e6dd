package dev.inference.nemotron.pod.decode;

import static org.assertj.core.api.Assertions.assertThat;

import dev.inference.nemotron.pod.engine.ForwardPass;
import dev.inference.nemotron.pod.engine.KvCache;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Self-speculation is lossless on real (random, tiny) checkpoints run by the CPU forward pass: its
 * output equals AR decoding token for token. A B-row verify and a 1-row AR step may differ in the
 * last float bits, so a divergence is tolerated only where the test proves it is a near-tie: at the
 * first differing token the two candidates' AR logits differ by less than 1e-5 (greedy), or the
 * sampling draw lies within 1e-5 of a CDF boundary (T &gt; 0). Any other divergence fails.
 *
 * <p>Random checkpoints draft almost nothing right, so every run is repeated with {@link
 * OracleDrafts} (the same engine, mask-row logits pointing at the AR output 75% of the time): then
 * rounds accept several drafts and the verify K/V of accepted drafts stay in the cache.
 */
class SelfSpeculationLosslessTest {
  private static final int TOKENS = 40;
  private static final int PROMPTS = 6;
  private static final double NEAR_TIE = 1e-5;

  @TempDir static Path root;
  private static final List<TinyModels.Model> MODELS = new ArrayList<>();

  @BeforeAll
  static void writeCheckpoints() throws IOException {
    MODELS.add(TinyModels.open(root, 101, 0));
    MODELS.add(TinyModels.open(root, 102, 8));
    MODELS.add(TinyModels.open(root, 103, 16));
    MODELS.add(TinyModels.open(root, 104, 0));
  }

  @AfterAll
  static void close() {
    MODELS.forEach(TinyModels.Model::close);
  }

  @Test
  void selfSpeculationMatchesGreedyAutoregressive() {
    Tally tally = compareAll(SamplingParams.greedy(TOKENS));
    // 4 checkpoints x 6 prompts x 4 decoders (linear/quadratic, B = 4 and 8) x 2 drafters x 40.
    assertThat(tally.runs).isEqualTo(MODELS.size() * PROMPTS * 4 * 2);
    assertThat(tally.comparedTokens).isGreaterThan(tally.runs * TOKENS * 9 / 10);
  }

  @Test
  void samplingSelfSpeculationMatchesAutoregressiveSamplingWithTheSameSeed() {
    Tally tally = compareAll(new SamplingParams(0.8, 0, 0.95, 2026, TOKENS, List.of(), List.of()));
    assertThat(tally.runs).isEqualTo(MODELS.size() * PROMPTS * 4 * 2);
    assertThat(tally.comparedTokens).isGreaterThan(tally.runs * TOKENS * 9 / 10);
  }

  private static final class Tally {
    int runs;
    int comparedTokens;
    int nearTies;
    int rounds;
    int accepted;
    int oracleRounds;
    int oracleAccepted;
  }

  private static Tally compareAll(SamplingParams params) {
    Tally tally = new Tally();
    SplittableRandom random = new SplittableRandom(7);
    for (TinyModels.Model model : MODELS) {
      int vocab = model.pass().vocabularySize();
      int mask = model.pass().maskTokenId();
      for (int p = 0; p < PROMPTS; p++) {
        int[] prompt = TinyModels.prompt(random, 1 + random.nextInt(12), vocab, mask);
        int[] ar = decode(new AutoregressiveDecoder(), model.pass(), prompt, params).ids();
        assertThat(ar).hasSize(TOKENS);
        for (Decoder spec :
            List.of(
                new LinearSpecDecoder(4),
                new LinearSpecDecoder(8),
                new QuadraticSpecDecoder(4),
                new QuadraticSpecDecoder(8))) {
          for (boolean oracle : new boolean[] {false, true}) {
            ForwardPass pass =
                oracle
                    ? new OracleDrafts(model.pass(), TinyModels.concat(prompt, ar), 0.75)
                    : model.pass();
            DecodeResult r = decode(spec, pass, prompt, params);
            String label =
                model.name()
                    + ", prompt "
                    + Arrays.toString(prompt)
                    + ", "
                    + spec.mode()
                    + " B="
                    + (1 + r.draftedTokens() / Math.max(1, r.rounds()))
                    + (oracle ? ", oracle drafts" : "");
            int same = agreeingPrefix(model, prompt, ar, r.ids(), params, label);
            tally.runs++;
            tally.comparedTokens += same;
            tally.nearTies += same < TOKENS ? 1 : 0;
            if (oracle) {
              tally.oracleRounds += r.rounds();
              tally.oracleAccepted += r.acceptedTokens();
            } else {
              tally.rounds += r.rounds();
              tally.accepted += r.acceptedTokens();
            }
          }
        }
      }
    }
    System.out.printf(
        "lossless (T=%s): %d runs, %d tokens equal to AR, %d near-ties,"
            + " mean acceptance length %.3f (model drafts), %.3f (oracle drafts)%n",
        params.temperature(),
        tally.runs,
        tally.comparedTokens,
        tally.nearTies,
        (double) (tally.accepted + tally.rounds) / tally.rounds,
        (double) (tally.oracleAccepted + tally.oracleRounds) / tally.oracleRounds);
    assertThat((double) (tally.oracleAccepted + tally.oracleRounds) / tally.oracleRounds)
        .as("oracle drafts must make rounds accept several tokens")
        .isGreaterThan(2.0);
    return tally;
  }

  private static DecodeResult decode(
      Decoder decoder, ForwardPass pass, int[] prompt, SamplingParams params) {
    KvCache cache = pass.newCache(decoder.cacheCapacity(prompt.length, params.maxTokens()));
    return decoder.decode(pass, cache, DecodeRequest.of(prompt, params));
  }

  /**
   * Length of the common prefix; fails unless the outputs are equal or the first difference is a
   * proven near-tie.
   */
  private static int agreeingPrefix(
      TinyModels.Model model,
      int[] prompt,
      int[] ar,
      int[] spec,
      SamplingParams params,
      String label) {
    assertThat(spec).as(label).hasSize(ar.length);
    int d = 0;
    while (d < ar.length && ar[d] == spec[d]) {
      d++;
    }
    if (d == ar.length) {
      return d;
    }
    float[] logits = model.nextTokenLogits(TinyModels.concat(prompt, Arrays.copyOf(ar, d)));
    if (params.greedy()) {
      double gap = Math.abs((double) logits[ar[d]] - logits[spec[d]]);
      System.out.printf(
          "near-tie? %s: token %d, AR %d vs %d, logit gap %.3g%n", label, d, ar[d], spec[d], gap);
      assertThat(gap)
          .as(label + ": first divergence at token " + d + " is not a near-tie")
          .isLessThan(NEAR_TIE);
    } else {
      TokenPicker picker = new TokenPicker(params, model.pass().maskTokenId());
      double u = picker.draw(prompt.length + d);
      TokenPicker.Candidates c = picker.candidates(logits);
      double distance = 1;
      double cumulative = 0;
      for (double probability : c.probabilities()) {
        cumulative += probability;
        distance = Math.min(distance, Math.abs(u - cumulative));
      }
      System.out.printf(
          "near-boundary? %s: token %d, draw %.9f, distance %.3g%n", label, d, u, distance);
      assertThat(distance)
          .as(label + ": first divergence at token " + d + " is not at a CDF boundary")
          .isLessThan(NEAR_TIE);
    }
    return d;
  }
}
