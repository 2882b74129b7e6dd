package dev.inference.nemotron.operator.autoscale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.inference.nemotron.api.v1alpha1.ModeAdvice;
import dev.inference.nemotron.api.v1alpha1.ModeBounds;
import dev.inference.nemotron.api.v1alpha1.ShareRange;
import dev.inference.nemotron.operator.autoscale.ModeMixPolicy.Decision;
import dev.inference.nemotron.operator.autoscale.ModeMixPolicy.Mix;
import dev.inference.nemotron.operator.autoscale.ModeMixPolicy.Settings;
import dev.inference.nemotron.operator.autoscale.ModeMixPolicy.State;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The adaptive mode policy on recorded traces of per-cycle speedups (what {@link ModeAdvisor}
 * reports), one cycle every 15 s, checked cycle by cycle.
 */
class ModeMixPolicyTest {

  private static final Instant T0 = Instant.parse("2026-12-07T00:00:00Z");
  private static final Duration INTERVAL = Duration.ofSeconds(15);

  /** 10% margin, 3 cycles in a row, 60 s between shifts, 10 points per shift. */
  private static final Settings SETTINGS = new Settings(0.10, 3, Duration.ofSeconds(60), 10);

  private static ModeAdvice advice(String mode, double speedup) {
    ModeAdvice a = new ModeAdvice();
    a.setMode(mode);
    a.setSpeedupOverAutoregressive(speedup);
    a.setBeatsAutoregressive(speedup > 1);
    return a;
  }

  /** One cycle of a trace: the speedups of self-speculation and diffusion (NaN: not measured). */
  private record Cycle(double selfSpeculation, double diffusion, boolean replicasChanged) {}

  private static Cycle ss(double speedup) {
    return new Cycle(speedup, Double.NaN, false);
  }

  /** Runs a trace from {@code start}; returns each cycle's decision. */
  private static List<Decision> run(Mix start, ModeBounds bounds, List<Cycle> trace) {
    List<Decision> out = new ArrayList<>();
    Mix mix = start;
    State state = State.start(null);
    Instant lastReplicaChange = null;
    for (int i = 0; i < trace.size(); i++) {
      Instant now = T0.plus(INTERVAL.multipliedBy(i));
      Cycle c = trace.get(i);
      List<ModeAdvice> advice = new ArrayList<>();
      if (!Double.isNaN(c.diffusion())) {
        advice.add(advice("diffusion", c.diffusion()));
      }
      if (!Double.isNaN(c.selfSpeculation())) {
        advice.add(advice("selfSpeculation", c.selfSpeculation()));
      }
      Decision d =
          ModeMixPolicy.decide(
              advice, bounds, mix, state, c.replicasChanged(), lastReplicaChange, now, SETTINGS);
      if (c.replicasChanged()) {
        lastReplicaChange = now;
      }
      out.add(d);
      mix = d.mix();
      state = d.state();
    }
    return out;
  }

  private static List<Cycle> repeat(Cycle c, int times) {
    List<Cycle> out = new ArrayList<>();
    for (int i = 0; i < times; i++) {
      out.add(c);
    }
    return out;
  }

  private static List<Integer> selfSpeculationShares(List<Decision> decisions) {
    return decisions.stream().map(d -> d.mix().selfSpeculation()).toList();
  }

  @Test
  void aModeThatPaysGainsWeightAfterThreeCyclesThenOnePerDwellTime() {
    List<Decision> d = run(new Mix(50, 0, 50), new ModeBounds(), repeat(ss(2.0), 10));

    // cycles 0 and 1 count, cycle 2 shifts (t = 30 s); the next waits for t = 90 s (cycle 6)
    assertThat(selfSpeculationShares(d)).containsExactly(50, 50, 60, 60, 60, 60, 70, 70, 70, 70);
    assertThat(d.get(0).state().streak()).isEqualTo(1);
    assertThat(d.get(1).state().streak()).isEqualTo(2);
    assertThat(d.get(2).shifted()).isTrue();
    assertThat(d.get(2).reason())
        .contains("selfSpeculation gives 2.00x", "autoregressive 1.00x", "10 points");
    assertThat(d.get(2).mix()).isEqualTo(new Mix(40, 0, 60));
    assertThat(d.get(5).shifted()).isFalse();
    assertThat(d.get(5).state().streak()).isEqualTo(3);
    assertThat(d.get(5).reason()).contains("last shift was under 60 s ago");
    assertThat(d.get(6).mix()).isEqualTo(new Mix(30, 0, 70));
    assertThat(d.stream().filter(Decision::shifted)).hasSize(2);
  }

  @Test
  void aModeWhoseTokensPerForwardCollapsesLosesWeight() {
    List<Cycle> trace = new ArrayList<>(repeat(ss(1.8), 3));
    trace.addAll(repeat(ss(0.6), 8)); // acceptance collapsed: wide forwards no longer pay

    List<Decision> d = run(new Mix(20, 0, 80), new ModeBounds(), trace);

    assertThat(d.get(2).mix()).isEqualTo(new Mix(10, 0, 90)); // while it paid
    // the collapse: autoregressive now leads by 1/0.6; 3 cycles in a row, and 60 s after the last
    // shift, before it takes weight back
    assertThat(d.get(3).shifted()).isFalse();
    assertThat(d.get(3).state().gainer()).isEqualTo("autoregressive");
    assertThat(d.get(5).shifted()).isFalse(); // 45 s after the shift
    assertThat(d.get(6).shifted()).isTrue();
    assertThat(d.get(6).mix()).isEqualTo(new Mix(20, 0, 80));
    assertThat(d.get(6).reason()).contains("autoregressive gives 1.00x", "selfSpeculation 0.60x");
    assertThat(d.getLast().mix().selfSpeculation()).isLessThan(80);
  }

  @Test
  void noisyMeasurementsAroundTheMarginOrFlippingLeaderDoNotFlap() {
    // recorded: speedups jitter around 1.1, and twice the leader flips for one cycle
    double[] speedups = {1.15, 1.05, 1.2, 1.12, 0.98, 1.3, 1.25, 0.85, 1.4, 1.09, 1.3, 1.11, 0.95};
    List<Cycle> trace = new ArrayList<>();
    for (double s : speedups) {
      trace.add(ss(s));
    }

    List<Decision> d = run(new Mix(50, 0, 50), new ModeBounds(), trace);

    int[] expectedStreak = {1, 0, 1, 2, 0, 1, 2, 1, 1, 0, 1, 2, 0};
    for (int i = 0; i < d.size(); i++) {
      assertThat(d.get(i).shifted()).as("cycle %d", i).isFalse();
      assertThat(d.get(i).mix()).as("cycle %d", i).isEqualTo(new Mix(50, 0, 50));
      assertThat(d.get(i).state().streak())
          .as("streak after cycle %d", i)
          .isEqualTo(expectedStreak[i]);
    }
    // cycle 7: autoregressive leads self-speculation by 1/0.85 = 1.18: a new pair, counted from 1
    assertThat(d.get(7).state().gainer()).isEqualTo("autoregressive");
    assertThat(d.get(8).state().gainer()).isEqualTo("selfSpeculation");
  }

  @Test
  void neverLeavesTheBoundsOnARandomTrace() {
    ModeBounds bounds = new ModeBounds();
    bounds.setAutoregressive(new ShareRange(10, 60));
    bounds.setDiffusion(new ShareRange(5, 30));
    bounds.setSelfSpeculation(new ShareRange(20, 85));
    Random random = new Random(7);
    List<Cycle> trace = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      // regimes of 20 cycles in which one mode pays, with noise
      int regime = (i / 20) % 3;
      double ssBase = regime == 0 ? 2.2 : 0.7;
      double diffBase = regime == 1 ? 2.5 : 0.8;
      trace.add(
          new Cycle(
              ssBase + random.nextGaussian() * 0.1,
              diffBase + random.nextGaussian() * 0.1,
              random.nextInt(25) == 0));
    }

    List<Decision> d = run(new Mix(0, 0, 100), bounds, trace);

    assertThat(d.getFirst().mix()).isEqualTo(new Mix(10, 5, 85)); // projected at once
    for (Decision x : d) {
      Mix m = x.mix();
      assertThat(m.sum()).isEqualTo(100);
      assertThat(m.autoregressive()).isBetween(10, 60);
      assertThat(m.diffusion()).isBetween(5, 30);
      assertThat(m.selfSpeculation()).isBetween(20, 85);
    }
    // the trace does move the mix: diffusion reaches its max, self-speculation its max
    assertThat(d.stream().map(x -> x.mix().diffusion())).contains(30);
    assertThat(d.stream().map(x -> x.mix().selfSpeculation())).contains(85);
  }

  @Test
  void neverShiftsInACycleThatChangesReplicasNorUntilTheCountHeldForTheDwellTime() {
    List<Cycle> trace = new ArrayList<>(repeat(ss(2.0), 2));
    trace.add(new Cycle(2.0, Double.NaN, true)); // would have been the shifting cycle
    trace.addAll(repeat(ss(2.0), 6));

    List<Decision> d = run(new Mix(50, 0, 50), new ModeBounds(), trace);

    assertThat(d.get(2).shifted()).isFalse();
    assertThat(d.get(2).reason()).contains("replicas change in this cycle");
    assertThat(d.get(2).state().streak()).isZero(); // measurements of the old size do not count
    assertThat(d.get(5).state().streak()).isEqualTo(3);
    assertThat(d.get(5).reason()).contains("replicas changed under 60 s ago");
    assertThat(d.get(6).shifted()).isTrue(); // 60 s after the replica change
    // over the whole trace, no cycle both changed replicas and shifted the mix
    for (int i = 0; i < trace.size(); i++) {
      assertThat(trace.get(i).replicasChanged() && d.get(i).shifted()).as("cycle %d", i).isFalse();
    }
  }

  @Test
  void holdsWithoutAMeasuredForwardCostAndAtTheBounds() {
    ModeAdvice unmeasured = new ModeAdvice();
    unmeasured.setMode("selfSpeculation");
    unmeasured.setTokensPerForward(3.0);
    Decision d =
        ModeMixPolicy.decide(
            List.of(unmeasured),
            new ModeBounds(),
            new Mix(50, 0, 50),
            State.start(null),
            false,
            null,
            T0,
            SETTINGS);
    assertThat(d.shifted()).isFalse();
    assertThat(d.reason()).contains("fewer than two modes have a measured speedup");

    List<Decision> atMax = run(new Mix(0, 0, 100), new ModeBounds(), repeat(ss(2.0), 5));
    assertThat(atMax).noneMatch(Decision::shifted);
    assertThat(atMax.getLast().reason()).contains("at its bound");
  }

  @Test
  void projectionFillsAndTrimsWithinTheRanges() {
    ModeBounds bounds = new ModeBounds();
    bounds.setAutoregressive(new ShareRange(0, 20));
    bounds.setDiffusion(new ShareRange(0, 0));
    assertThat(ModeMixPolicy.project(new Mix(50, 50, 0), bounds)).isEqualTo(new Mix(20, 0, 80));
    assertThat(ModeMixPolicy.project(new Mix(10, 0, 90), bounds)).isEqualTo(new Mix(10, 0, 90));
    ModeBounds impossible = new ModeBounds();
    impossible.setAutoregressive(new ShareRange(0, 10));
    impossible.setDiffusion(new ShareRange(0, 10));
    impossible.setSelfSpeculation(new ShareRange(0, 10));
    assertThatThrownBy(() -> ModeMixPolicy.project(new Mix(0, 0, 100), impossible))
        .hasMessageContaining("admit no mix summing to 100");
  }
}
