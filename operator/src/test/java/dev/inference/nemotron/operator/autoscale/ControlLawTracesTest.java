package dev.inference.nemotron.operator.autoscale;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/**
 * The control law on load traces, one decision per 15 s scrape, the replica sequence asserted step
 * by step. A small fleet model turns the trace into what the scraper would measure: each ready
 * replica serves at most {@code forwards/s x TPF} tokens per second at 10 tokens per second per
 * sequence; what it cannot serve waits in the queue; latency goes over target when requests wait.
 */
class ControlLawTracesTest {
  private static final Instant T0 = Instant.parse("2026-12-07T00:00:00Z");
  private static final Duration STEP = Duration.ofSeconds(15);
  private static final double PER_SEQUENCE = 10; // tokens/s one sequence gets

  private static final ScalingPolicy POLICY =
      new ScalingPolicy(
          1,
          8,
          2000,
          500,
          2.0,
          Duration.ofSeconds(180),
          2.0,
          Duration.ofSeconds(300),
          0.8,
          0.1,
          Duration.ofSeconds(45),
          50); // the profile: 50 forwards/s per replica, what the traces' replicas reach

  /** What the fleet measures at one step. */
  record Load(double demand, double forwardsPerReplica, double tpf) {}

  /** The scrape of a fleet of {@code ready} replicas under {@code load}. */
  static FleetSample sample(Instant at, int replicas, int ready, int starting, Load load) {
    double capacity = ready * load.forwardsPerReplica() * load.tpf();
    double served = Math.min(load.demand(), capacity);
    double active = served / PER_SEQUENCE;
    double queue = (load.demand() - served) / PER_SEQUENCE;
    double p95 = queue >= 1 ? 2600 : 900;
    return new FleetSample(
        at,
        replicas,
        ready,
        starting,
        0,
        served,
        served / load.tpf(),
        Map.of("self-speculation", load.tpf()),
        queue,
        active,
        p95,
        queue >= 1 ? 700 : 200);
  }

  /** Runs {@code steps} decisions; new replicas are ready one step after they are asked for. */
  static List<Integer> run(int start, int steps, IntFunction<Load> trace, List<String> reasons) {
    ScalingHistory history = ScalingHistory.start(start);
    int ready = start;
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < steps; i++) {
      Instant now = T0.plus(STEP.multipliedBy(i));
      int replicas = history.replicas();
      int starting = Math.max(0, replicas - ready);
      history = history.withSample(sample(now, replicas, ready, starting, trace.apply(i)));
      ScaleDecision d = ControlLaw.decide(history, POLICY, now);
      history = history.with(d, now);
      reasons.add(d.reason());
      ready = replicas; // what was asked a step ago is ready now
      out.add(d.replicas());
    }
    return out;
  }

  @Test
  void steadyLoadSettlesAndStays() {
    List<String> reasons = new ArrayList<>();
    List<Integer> replicas = run(1, 8, i -> new Load(150, 50, 2), reasons);
    // 150 tokens/s, 100 per replica at saturation, 80% utilization: 2 replicas, then steady.
    assertThat(replicas).containsExactly(2, 2, 2, 2, 2, 2, 2, 2);
    assertThat(reasons.get(0))
        .startsWith("scale up from 1 to 2 replicas")
        .contains("demand 150 tokens/s against 100 tokens/s per replica")
        .contains("measured: 50.0 forwards/s at saturation x TPF 2.00");
    assertThat(reasons.get(5)).startsWith("hold at 2 replicas");
  }

  @Test
  void aStepUpScalesAtMostByDoublingUnlessItPanics() {
    List<String> reasons = new ArrayList<>();
    // 150 -> 300 tokens/s: 4 replicas needed, reached by doubling (1 -> 2 -> 4).
    List<Integer> modest = run(1, 6, i -> new Load(i < 2 ? 90 : 300, 50, 2), reasons);
    assertThat(modest).containsExactly(2, 2, 4, 4, 4, 4);
    reasons.clear();
    // 90 -> 700 tokens/s on 2 replicas: 3.5x capacity, above the 2.0 panic threshold: at once.
    List<Integer> spike = run(2, 4, i -> new Load(i < 1 ? 90 : 700, 50, 2), reasons);
    assertThat(spike).containsExactly(2, 8, 8, 8);
    assertThat(reasons.get(1)).contains("panic: demand is 3.5x the current capacity");
  }

  @Test
  void aShortSpikeScalesUpAndComesDownOnlyAfterTheStableWindowAndCooldown() {
    List<String> reasons = new ArrayList<>();
    List<Integer> replicas = run(2, 36, i -> new Load(i == 3 ? 380 : 150, 50, 2), reasons);
    // Up at the spike (step 3), then 2 replicas suffice again from step 4 on; the stabilization
    // window (180 s = 12 steps) and the cooldown (300 s = 20 steps) keep 4 until step 23.
    assertThat(replicas.subList(0, 3)).containsExactly(2, 2, 2);
    assertThat(replicas.get(3)).isEqualTo(4);
    assertThat(replicas.subList(4, 23)).allMatch(r -> r == 4);
    assertThat(replicas.get(23)).isEqualTo(2);
    assertThat(reasons.get(10)).contains("scale-down waits");
    assertThat(replicas.subList(24, 36)).allMatch(r -> r == 2);
  }

  @Test
  void aLoopThatJustStartedDoesNotScaleDownBeforeItSawAWholeWindow() {
    List<String> reasons = new ArrayList<>();
    // an operator restart finds 4 replicas under a load 1 replica serves: the law's own
    // recommendations must cover the 180 s window (12 steps) before it scales down
    List<Integer> replicas = run(4, 16, i -> new Load(60, 50, 2), reasons);
    assertThat(replicas.subList(0, 12)).allMatch(r -> r == 4);
    assertThat(reasons.get(0))
        .contains("scale-down waits: recommendations cover 0 s of the 180 s window");
    assertThat(replicas.get(12)).isEqualTo(1);
    assertThat(reasons.get(12)).startsWith("scale down from 4 to 1 replicas");
  }

  @Test
  void aSlowRampDownStepsDownWithoutFlapping() {
    List<String> reasons = new ArrayList<>();
    List<Integer> replicas = run(8, 160, i -> new Load(Math.max(60, 600 - 5 * i), 50, 2), reasons);
    // Never up while load falls, and every change is at least a cooldown (20 steps) apart.
    int last = 8;
    int lastChange = -100;
    for (int i = 0; i < replicas.size(); i++) {
      int r = replicas.get(i);
      assertThat(r).isLessThanOrEqualTo(last);
      if (r != last) {
        assertThat(i - lastChange).isGreaterThanOrEqualTo(20);
        lastChange = i;
      }
      last = r;
    }
    assertThat(replicas.get(replicas.size() - 1)).isEqualTo(1);
  }

  @Test
  void noisyTpfDoesNotMoveTheReplicaCount() {
    List<String> reasons = new ArrayList<>();
    List<Integer> replicas = run(4, 40, i -> new Load(300, 50, i % 2 == 0 ? 1.8 : 2.2), reasons);
    assertThat(replicas).allMatch(r -> r == 4);
  }

  @Test
  void aModeWhoseTpfCollapsesAddsReplicasAndIsReported() {
    List<String> reasons = new ArrayList<>();
    // 300 tokens/s at TPF 4 (200 per replica): 2 replicas; then TPF falls to 1 (50 per replica).
    List<Integer> replicas = run(2, 10, i -> new Load(300, 50, i < 4 ? 4.0 : 1.0), reasons);
    assertThat(replicas.subList(0, 4)).containsExactly(2, 2, 2, 2);
    assertThat(replicas.get(replicas.size() - 1)).isEqualTo(8);
    assertThat(reasons.get(4)).contains("self-speculation TPF 1.00 below the 2.00 target");
  }

  @Test
  void aScrapeOutageHoldsAndNeverScalesDownBlind() {
    ScalingHistory history = ScalingHistory.start(4);
    Load low = new Load(20, 50, 2);
    history = history.withSample(sample(T0, 4, 4, 0, low));
    // The next scrapes never come: 2 minutes later the law must hold, not read zero load.
    Instant later = T0.plus(Duration.ofMinutes(2));
    ScaleDecision d = ControlLaw.decide(history, POLICY, later);
    assertThat(d.replicas()).isEqualTo(4);
    assertThat(d.reason())
        .contains("the last metrics are 120 s old")
        .contains("never scaling down blind");
    // A ready pod that did not answer is stale, not idle: hold as well.
    FleetSample partial =
        new FleetSample(later, 4, 3, 0, 1, 10, 5, Map.of(), 0, 1, Double.NaN, Double.NaN);
    ScaleDecision d2 = ControlLaw.decide(history.withSample(partial), POLICY, later);
    assertThat(d2.replicas()).isEqualTo(4);
    assertThat(d2.reason()).contains("1 of 4 ready replicas could not be scraped");
  }

  @Test
  void podsStuckStartingAreCapacityOnTheWayNotAReasonToAddMore() {
    ScalingHistory history = ScalingHistory.start(4);
    List<Integer> replicas = new ArrayList<>();
    // 2 of the 4 replicas never become ready; latency stays over target, demand needs 4.
    for (int i = 0; i < 20; i++) {
      Instant now = T0.plus(STEP.multipliedBy(i));
      history = history.withSample(sample(now, 4, 2, 2, new Load(300, 50, 2)));
      ScaleDecision d = ControlLaw.decide(history, POLICY, now);
      history = history.with(d, now);
      replicas.add(d.replicas());
    }
    assertThat(replicas).allMatch(r -> r == 4);
  }

  @Test
  void latencyOverTargetAddsAReplicaEvenWhereCapacitySaysEnough() {
    // 100 tokens/s on 2 replicas of 100: the capacity model says 2, but p95 is 2600 ms.
    FleetSample slow =
        new FleetSample(T0, 2, 2, 0, 0, 100, 50, Map.of("autoregressive", 1.0), 0, 10, 2600, 200);
    ScalingHistory history = ScalingHistory.start(2).withSample(slow);
    ScaleDecision d = ControlLaw.decide(history, POLICY, T0);
    assertThat(d.replicas()).isEqualTo(3);
    assertThat(d.reason()).contains("p95 latency 2600 ms above target 2000 ms, so one more");
  }

  @Test
  void counterResetsCountFromZeroNotAsNegativeRates() {
    CounterRate.Reading before = new CounterRate.Reading(T0, 1000);
    CounterRate.Reading after = new CounterRate.Reading(T0.plusSeconds(10), 1500);
    assertThat(CounterRate.between(before, after)).isEqualTo(50);
    // The pod restarted: its counter starts again at 0 and reached 120.
    CounterRate.Reading restarted = new CounterRate.Reading(T0.plusSeconds(20), 120);
    assertThat(CounterRate.between(after, restarted)).isEqualTo(12);
    assertThat(CounterRate.between(after, after)).isNaN();
  }
}
