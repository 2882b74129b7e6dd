package dev.inference.nemotron.operator.autoscale;

import static org.assertj.core.api.Assertions.assertThat;

import dev.inference.nemotron.api.v1alpha1.ModeAdvice;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Mode advice on synthetic saturated histories whose batched-forward time follows a known law
 * {@code t = a + b x rows}: the advisor must recover it and judge each mode against autoregressive
 * decoding.
 */
class ModeAdvisorTest {
  private static final Instant T0 = Instant.parse("2026-12-07T00:00:00Z");
  private static final Map<String, Integer> WIDTHS = Map.of("diffusion", 32);

  /**
   * Saturated samples of one replica at the given batch widths, 8 sequences per batched forward,
   * diffusion at TPF {@code tpf}, autoregressive at 1.
   */
  private static ScalingHistory history(
      double fixedMs, double perRowMs, double tpf, double... rows) {
    ScalingHistory h = ScalingHistory.start(1);
    for (int i = 0; i < rows.length; i++) {
      double seconds = (fixedMs + perRowMs * rows[i]) / 1000;
      double batched = 1 / seconds;
      h =
          h.withSample(
              new FleetSample(
                  T0.plus(Duration.ofSeconds(15L * i)),
                  1,
                  1,
                  0,
                  0,
                  batched * 8 * tpf,
                  batched * 8,
                  Map.of("diffusion", tpf, "autoregressive", 1.0),
                  4,
                  8,
                  900,
                  200,
                  batched,
                  rows[i]));
    }
    return h;
  }

  private static ModeAdvice only(List<ModeAdvice> advice) {
    assertThat(advice).hasSize(1);
    return advice.getFirst();
  }

  @Test
  void onAComputeBoundReplicaEveryRowCostsAndTpf2point5DoesNotPayFor32Rows() {
    ScalingHistory h = history(0.5, 1.0, 2.5, 16, 64, 128);
    ModeAdvice a = only(ModeAdvisor.advise(h, WIDTHS, T0.plusSeconds(45)));

    assertThat(a.getMode()).isEqualTo("diffusion");
    assertThat(a.getTokensPerForward()).isEqualTo(2.5);
    // (0.5/8 + 32) / (0.5/8 + 1) = 30.2
    assertThat(a.getRelativeForwardCost())
        .isCloseTo(30.2, org.assertj.core.data.Offset.offset(0.1));
    assertThat(a.getBeatsAutoregressive()).isFalse();
    assertThat(a.getReason()).contains("autoregressive is faster here");
  }

  @Test
  void onAMemoryBoundReplicaWideForwardsAreNearlyFreeAndTpf2point5Wins() {
    ScalingHistory h = history(10, 0.01, 2.5, 16, 64, 128);
    ModeAdvice a = only(ModeAdvisor.advise(h, WIDTHS, T0.plusSeconds(45)));

    // (10/8 + 0.32) / (10/8 + 0.01) = 1.246; 2.5 / 1.246 = 2.01
    assertThat(a.getRelativeForwardCost())
        .isCloseTo(1.25, org.assertj.core.data.Offset.offset(0.01));
    assertThat(a.getSpeedupOverAutoregressive())
        .isCloseTo(2.01, org.assertj.core.data.Offset.offset(0.01));
    assertThat(a.getBeatsAutoregressive()).isTrue();
  }

  @Test
  void withoutBatchWidthsApartTheCostIsNotMeasuredAndNoSideIsTaken() {
    ScalingHistory h = history(10, 0.01, 2.5, 32, 33, 32);
    ModeAdvice a = only(ModeAdvisor.advise(h, WIDTHS, T0.plusSeconds(45)));

    assertThat(a.getBeatsAutoregressive()).isNull();
    assertThat(a.getRelativeForwardCost()).isNull();
    assertThat(a.getReason()).contains("not measured yet");
  }

  @Test
  void aModeThatDidNotRunGetsNoAdvice() {
    ScalingHistory h = history(10, 0.01, 2.5, 16, 64);
    assertThat(ModeAdvisor.advise(h, Map.of("self-speculation", 32), T0.plusSeconds(30))).isEmpty();
  }
}
