package dev.inference.nemotron.pod.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.inference.nemotron.pod.engine.Logits;
import dev.inference.nemotron.pod.engine.TokenRule;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * {@link Logits#pick} and {@link Logits#pickWithConfidence} on host logits, batched over rows, give
 * exactly what the per-row {@link TokenPicker#pick(float[], int, int)} and {@link
 * TokenPicker#confidence} gave before (the decoders' tokens do not change): greedy with ties and
 * the mask at the maximum, sampled with a fixed seed, top-k and top-p at their edges, eager and
 * late rows; and logits kept on a device are asked for exactly the rows named, never the whole
 * chunk.
 */
class LogitsPickingTest {
  private static final int VOCAB = 300;
  private static final int MASK = 7;

  private static SamplingParams params(double t, int topK, double topP, long seed) {
    return new SamplingParams(t, topK, topP, seed, 10, List.of(), List.of());
  }

  /** Every rule the decoders can be given, at its edges. */
  private static List<SamplingParams> rules() {
    List<SamplingParams> out = new ArrayList<>();
    out.add(SamplingParams.greedy(10));
    for (double t : new double[] {0.3, 1.0, 2.5}) {
      for (int k : new int[] {0, 1, 2, 50, VOCAB - 1, VOCAB, VOCAB + 5}) {
        for (double p : new double[] {1.0, 0.999, 0.9, 0.5, 1e-9}) {
          out.add(params(t, k, p, 42 + k));
        }
      }
    }
    return out;
  }

  /**
   * Random rows with a few of each hazard: ties at the maximum, the mask holding the maximum, a
   * flat row, a row with one dominant token.
   */
  private static float[][] rows(SplittableRandom random, int n) {
    float[][] rows = new float[n][VOCAB];
    for (int r = 0; r < n; r++) {
      for (int i = 0; i < VOCAB; i++) {
        // Coarse values so that ties are common, not only at the maximum.
        rows[r][i] = (float) (Math.round(random.nextGaussian() * 3 * 4) / 4.0);
      }
      switch (r % 5) {
        case 0 -> {
          rows[r][11] = 50;
          rows[r][200] = 50;
          rows[r][3] = 50;
        }
        case 1 -> rows[r][MASK] = 1000;
        case 2 -> Arrays.fill(rows[r], 0.5f);
        case 3 -> rows[r][VOCAB - 1] = 30;
        default -> {}
      }
    }
    return rows;
  }

  @Test
  void batchedHostPicksEqualThePerRowPicks() {
    SplittableRandom random = new SplittableRandom(5);
    float[][] values = rows(random, 10);
    int[] rows = IntStream.range(0, 10).map(r -> 2 * r + 1).toArray(); // chunk rows 1, 3, ...
    int[] positions = IntStream.range(0, 10).map(r -> 100 + 3 * r).toArray();
    int checked = 0;
    for (SamplingParams p : rules()) {
      TokenPicker picker = new TokenPicker(p, MASK);
      for (int step : new int[] {0, 1, 4}) {
        Logits logits = new Logits(rows, values);
        Logits.Picks picks = logits.pickWithConfidence(rows, picker, picker.draws(positions, step));
        int[] plain = logits.pick(rows, picker, picker.draws(positions, step));
        for (int k = 0; k < rows.length; k++) {
          int expected = picker.pick(values[k], positions[k], step);
          assertThat(picks.ids()[k]).as("%s step %d row %d", p, step, k).isEqualTo(expected);
          assertThat(plain[k]).isEqualTo(expected);
          assertThat(picks.confidences()[k]).isEqualTo(TokenPicker.confidence(values[k], expected));
          assertThat(expected).isNotEqualTo(MASK);
          checked++;
        }
      }
    }
    assertThat(checked).isEqualTo(rules().size() * 3 * 10);
  }

  @Test
  void greedyTiesGoToTheLowestIdAndTheMaskIsNeverPicked() {
    SplittableRandom random = new SplittableRandom(6);
    float[][] values = rows(random, 2);
    TokenPicker greedy = new TokenPicker(SamplingParams.greedy(1), MASK);
    int[] ids = new Logits(new int[] {0, 1}, values).pick(new int[] {0, 1}, greedy, new double[2]);
    assertThat(ids[0]).isEqualTo(3); // 3, 11 and 200 tie at 50
    assertThat(ids[1]).isNotEqualTo(MASK).isEqualTo(TokenPicker.argmax(values[1], MASK));
  }

  @Test
  void lateRowsArePickedFromOneLmHeadPassAsBefore() {
    SplittableRandom random = new SplittableRandom(7);
    float[][] lateValues = rows(random, 6);
    int[] late = {4, 5, 6, 7, 8, 9};
    List<int[]> passes = new ArrayList<>();
    Logits logits =
        new Logits(
            new int[0],
            new float[0][],
            late,
            asked -> {
              passes.add(asked.clone());
              return Arrays.stream(asked).mapToObj(r -> lateValues[r - 4]).toArray(float[][]::new);
            });
    TokenPicker picker = new TokenPicker(params(1.0, 20, 0.9, 3), MASK);
    int[] asked = {6, 7, 8};
    int[] positions = {60, 61, 62};
    int[] ids = logits.pick(asked, picker, picker.draws(positions, 0));
    assertThat(passes).containsExactly(new int[] {6, 7, 8});
    for (int k = 0; k < asked.length; k++) {
      assertThat(ids[k]).isEqualTo(picker.pick(lateValues[asked[k] - 4], positions[k]));
    }
  }

  @Test
  void drawsAreThePickersPositionDrawsAndNoneAtTemperatureZero() {
    TokenPicker sampler = new TokenPicker(params(0.7, 0, 1, 99), MASK);
    double[] u = sampler.draws(new int[] {5, 6, 5}, 2);
    assertThat(u).containsExactly(sampler.draw(5, 2), sampler.draw(6, 2), sampler.draw(5, 2));
    assertThat(u[0]).isNotEqualTo(u[1]);
    assertThat(new TokenPicker(SamplingParams.greedy(1), MASK).draws(new int[] {5, 6}, 2))
        .containsExactly(0, 0);
  }

  @Test
  void badArgumentsAreRefusedWithTheirReason() {
    float[][] values = rows(new SplittableRandom(8), 2);
    Logits logits = new Logits(new int[] {0, 3}, values);
    TokenPicker picker = new TokenPicker(params(1, 0, 1, 1), MASK);
    assertThatThrownBy(() -> logits.pick(new int[] {0, 1}, picker, new double[2]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no logits were computed for row 1");
    assertThatThrownBy(() -> logits.pick(new int[] {0, 3}, picker, new double[1]))
        .hasMessageContaining("2 rows to pick from but 1 draws");
    assertThatThrownBy(() -> logits.pick(new int[] {0}, picker, new double[] {1.0}))
        .hasMessageContaining("must be in [0, 1)");
  }

  @Test
  void aNonFiniteLogitFailsThePickNamingTheToken() {
    float[][] values = rows(new SplittableRandom(9), 1);
    values[0][123] = Float.NaN;
    Logits logits = new Logits(new int[] {0}, values);
    for (SamplingParams p : List.of(SamplingParams.greedy(1), params(1, 5, 0.9, 1))) {
      TokenPicker picker = new TokenPicker(p, MASK);
      assertThatThrownBy(() -> logits.pickWithConfidence(new int[] {0}, picker, new double[1]))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("token id 123");
    }
  }

  /** Device-kept logits in host memory, recording what crosses to the host. */
  private static final class RecordingDevice implements Logits.OnDevice {
    final float[][] values;
    final List<int[]> reads = new ArrayList<>();
    final List<int[]> picks = new ArrayList<>();

    RecordingDevice(float[][] values) {
      this.values = values;
    }

    @Override
    public float[][] read(int[] chunkRows) {
      reads.add(chunkRows.clone());
      return Arrays.stream(chunkRows).mapToObj(r -> values[r].clone()).toArray(float[][]::new);
    }

    @Override
    public Logits.Picks pick(int[] rows, TokenRule rule, double[] uniforms, boolean confidences) {
      picks.add(rows.clone());
      int[] ids = new int[rows.length];
      double[] c = new double[rows.length];
      for (int k = 0; k < rows.length; k++) {
        ids[k] = rule.choose(values[rows[k]], uniforms[k]);
        c[k] = Logits.confidence(values[rows[k]], ids[k]);
      }
      return new Logits.Picks(ids, confidences ? c : null);
    }
  }

  @Test
  void deviceLogitsArePickedWhereTheyAreAndCopiedOnlyWhenARowIsRead() {
    float[][] values = rows(new SplittableRandom(10), 6);
    RecordingDevice device = new RecordingDevice(values);
    Logits logits = new Logits(new int[] {0, 1, 2}, new int[] {3, 4, 5}, device);
    TokenPicker picker = new TokenPicker(params(1.3, 0, 0.95, 11), MASK);
    int[] positions = {20, 21, 22, 23};
    int[] ids = logits.pick(new int[] {0, 2, 3, 5}, picker, picker.draws(positions, 0));
    assertThat(device.picks).containsExactly(new int[] {0, 2, 3, 5});
    assertThat(device.reads).isEmpty();
    int[] asked = {0, 2, 3, 5};
    for (int k = 0; k < 4; k++) {
      assertThat(ids[k]).isEqualTo(picker.pick(values[asked[k]], positions[k]));
    }
    assertThat(logits.pickWithConfidence(new int[] {1}, picker, new double[1]).confidences())
        .hasSize(1);
    assertThatThrownBy(() -> logits.pick(new int[] {6}, picker, new double[1]))
        .hasMessageContaining("no logits were computed for row 6");
    assertThat(device.picks).hasSize(2); // the bad row was refused before reaching the device

    assertThat(logits.row(4)).containsExactly(values[4]);
    assertThat(logits.row(4)).containsExactly(values[4]); // the copy is kept
    logits.prepare(new int[] {0, 4, 1});
    assertThat(device.reads).containsExactly(new int[] {4}, new int[] {0, 1});
  }
}
