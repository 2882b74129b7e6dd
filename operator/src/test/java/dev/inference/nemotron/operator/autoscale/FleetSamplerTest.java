package dev.inference.nemotron.operator.autoscale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FleetSamplerTest {
  private static final Instant T0 = Instant.parse("2026-12-07T00:00:00Z");
  private static final double[] BOUNDS = {0.1, 0.5, 1, 2.5, Double.POSITIVE_INFINITY};

  private static LatencyHistogram histogram(double... cumulative) {
    return new LatencyHistogram(BOUNDS, cumulative);
  }

  private static PodReading reading(
      String pod,
      long second,
      double arTokens,
      double specTokens,
      double specForwards,
      LatencyHistogram duration,
      double queue) {
    return new PodReading(
        pod,
        T0.plusSeconds(second),
        Map.of("autoregressive", arTokens, "self-speculation", specTokens),
        Map.of("autoregressive", arTokens, "self-speculation", specForwards),
        duration,
        histogram(0, 0, 0, 0, 0),
        queue,
        4);
  }

  @Test
  void quantilesInterpolateInsideTheBucketAsPrometheusDoes() {
    // 100 observations: 50 up to 0.1 s, 40 in (0.1, 0.5], 10 in (0.5, 1].
    LatencyHistogram h = histogram(50, 90, 100, 100, 100);
    assertThat(h.quantileMillis(0.5)).isCloseTo(100, within(1e-9));
    // rank 95 lies halfway into the (0.5, 1] bucket.
    assertThat(h.quantileMillis(0.95)).isCloseTo(750, within(1e-9));
    assertThat(histogram(0, 0, 0, 0, 0).quantileMillis(0.95)).isNaN();
    // A rank in +Inf answers the highest finite bound.
    assertThat(histogram(0, 0, 0, 0, 10).quantileMillis(0.95)).isEqualTo(2500);
  }

  @Test
  void ratesTpfAndP95ComeFromTheDifferenceBetweenScrapes() {
    Map<String, PodReading> before =
        Map.of(
            "a", reading("a", 0, 1000, 500, 100, histogram(10, 10, 10, 10, 10), 0),
            "b", reading("b", 0, 0, 0, 0, histogram(0, 0, 0, 0, 0), 0));
    Map<String, PodReading> after =
        Map.of(
            "a", reading("a", 10, 1100, 900, 180, histogram(10, 20, 30, 30, 30), 2),
            "b", reading("b", 10, 50, 100, 20, histogram(0, 0, 0, 0, 0), 1));
    FleetSample s = FleetSampler.sample(before, after, 2, 0, 0, T0.plusSeconds(10));
    // autoregressive: (100 + 50) / 10 s = 15 tokens/s at TPF 1; self-speculation: 500 tokens over
    // 100 forwards in 10 s: 50 tokens/s at TPF 5.
    assertThat(s.tokensPerSecond()).isCloseTo(65, within(1e-9));
    assertThat(s.forwardsPerSecond()).isCloseTo(25, within(1e-9));
    assertThat(s.tokensPerForward().get("autoregressive")).isCloseTo(1.0, within(1e-9));
    assertThat(s.tokensPerForward().get("self-speculation")).isCloseTo(5.0, within(1e-9));
    assertThat(s.queueDepth()).isEqualTo(3);
    // Only the 20 requests between the scrapes count: 10 in (0.1, 0.5], 10 in (0.5, 1].
    assertThat(s.p95LatencyMs()).isCloseTo(950, within(1e-9));
  }

  @Test
  void aRestartedPodCountsFromZeroAndANewPodHasNoRateYet() {
    Map<String, PodReading> before =
        Map.of("a", reading("a", 0, 5000, 0, 0, histogram(100, 100, 100, 100, 100), 0));
    Map<String, PodReading> after =
        Map.of(
            "a", reading("a", 10, 200, 0, 0, histogram(0, 5, 5, 5, 5), 0),
            "c", reading("c", 10, 999, 0, 0, histogram(9, 9, 9, 9, 9), 0));
    FleetSample s = FleetSampler.sample(before, after, 2, 0, 1, T0.plusSeconds(10));
    // Pod a restarted: 200 tokens since, never a negative rate; pod c has no previous reading.
    assertThat(s.tokensPerSecond()).isCloseTo(20, within(1e-9));
    assertThat(s.p95LatencyMs()).isCloseTo(480, within(1e-9));
    assertThat(s.readyReplicas()).isEqualTo(2);
    assertThat(s.staleReplicas()).isEqualTo(1);
  }
}
