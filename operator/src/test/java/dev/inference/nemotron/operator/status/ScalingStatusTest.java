package dev.inference.nemotron.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.inference.nemotron.api.v1alpha1.NemotronDiffusionDeploymentStatus;
import dev.inference.nemotron.api.v1alpha1.ObservedMetrics;
import dev.inference.nemotron.api.v1alpha1.ScaleEvent;
import dev.inference.nemotron.operator.autoscale.FleetSample;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The autoscaler's status fields: what counts as a change worth a write, and who owns what. */
class ScalingStatusTest {
  private static final Instant T0 = Instant.parse("2026-12-07T00:00:00Z");
  private static final Duration REFRESH = Duration.ofSeconds(60);

  private static ObservedMetrics observed(
      Instant at, double tokensPerSecond, double tpf, int queue) {
    FleetSample s =
        new FleetSample(
            at,
            2,
            2,
            0,
            0,
            tokensPerSecond,
            tokensPerSecond / tpf,
            Map.of("diffusion", tpf),
            queue,
            8,
            900,
            120);
    return ScalingStatus.observed(s, tpf, at);
  }

  @Test
  void noiseBelowTheThresholdsWaitsForTheRefreshAndRealChangesDoNot() {
    ObservedMetrics first = observed(T0, 400, 2.5, 0);
    assertThat(ScalingStatus.worthWriting(null, first, REFRESH)).isTrue();
    // 5% more tokens/s and TPF +0.02 fifteen seconds later: not worth a write
    assertThat(
            ScalingStatus.worthWriting(first, observed(T0.plusSeconds(15), 420, 2.52, 0), REFRESH))
        .isFalse();
    // ... but after the refresh interval it is (sampledAt shows the loop is alive)
    assertThat(
            ScalingStatus.worthWriting(first, observed(T0.plusSeconds(60), 420, 2.52, 0), REFRESH))
        .isTrue();
    // 20% more tokens/s, TPF -0.1, or a queue forming: at once
    assertThat(
            ScalingStatus.worthWriting(first, observed(T0.plusSeconds(15), 480, 2.5, 0), REFRESH))
        .isTrue();
    assertThat(
            ScalingStatus.worthWriting(first, observed(T0.plusSeconds(15), 400, 2.4, 0), REFRESH))
        .isTrue();
    assertThat(
            ScalingStatus.worthWriting(first, observed(T0.plusSeconds(15), 400, 2.5, 3), REFRESH))
        .isTrue();
  }

  @Test
  void theLoopReplacesOnlyItsFieldsAndKeepsTheConditionsOrderAndTransitionTimes() {
    NemotronDiffusionDeploymentStatus before = new NemotronDiffusionDeploymentStatus();
    before.setReplicas(2);
    before.setEndpoint("http://x.team.svc:8080/v1");
    before.setConditions(
        List.of(
            condition("Ready", "True", "2026-12-06T00:00:00Z"),
            condition("ScalingActive", "False", "2026-12-06T01:00:00Z"),
            condition("Degraded", "False", "2026-12-06T02:00:00Z")));
    ScaleEvent scale = new ScaleEvent();
    scale.setFrom(1);
    scale.setTo(2);

    NemotronDiffusionDeploymentStatus after =
        ScalingStatus.apply(
            before,
            3,
            T0,
            observed(T0, 400, 2.5, 0),
            null,
            scale,
            mix(20, 0, 80),
            new ScalingStatus.Judgement(true, "ScalingOnMeasurements", "deciding"));

    assertThat(after.getReplicas()).isEqualTo(2);
    assertThat(after.getEndpoint()).isEqualTo(before.getEndpoint());
    assertThat(after.getLastScale().getTo()).isEqualTo(2);
    assertThat(after.getObserved().getTokensPerForwardMixed()).isEqualTo(2.5);
    assertThat(after.getEffectiveModeMix().getSelfSpeculation()).isEqualTo(80);
    assertThat(after.getConditions())
        .extracting(Condition::getType)
        .containsExactly("Ready", "ScalingActive", "Degraded");
    Condition active = after.getConditions().get(1);
    assertThat(active.getStatus()).isEqualTo("True");
    assertThat(active.getLastTransitionTime()).isEqualTo(T0.toString());
    assertThat(after.getConditions().get(0).getLastTransitionTime())
        .isEqualTo("2026-12-06T00:00:00Z");
    assertThat(before.getObserved()).as("the input is not modified").isNull();
  }

  @Test
  void theReconcilersWriteAfterAConflictKeepsTheLoopsNewerFields() {
    NemotronDiffusionDeploymentStatus latest = new NemotronDiffusionDeploymentStatus();
    latest.setObserved(observed(T0, 400, 2.5, 0));
    latest.setEffectiveModeMix(mix(30, 0, 70));
    latest.setConditions(List.of(condition("ScalingActive", "True", "2026-12-06T01:00:00Z")));
    NemotronDiffusionDeploymentStatus reconciled = new NemotronDiffusionDeploymentStatus();
    reconciled.setReplicas(3);
    reconciled.setConditions(
        List.of(
            condition("Ready", "True", "2026-12-06T00:00:00Z"),
            condition("ScalingActive", "False", "2026-12-05T00:00:00Z")));

    NemotronDiffusionDeploymentStatus merged = ScalingStatus.withLoopFieldsOf(latest, reconciled);

    assertThat(merged.getReplicas()).isEqualTo(3);
    assertThat(merged.getObserved().getTokensPerSecond()).isEqualTo(400);
    assertThat(merged.getEffectiveModeMix().getAutoregressive()).isEqualTo(30);
    assertThat(merged.getConditions())
        .extracting(Condition::getType, Condition::getStatus)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("Ready", "True"),
            org.assertj.core.groups.Tuple.tuple("ScalingActive", "True"));
  }

  private static Condition condition(String type, String status, String since) {
    return new ConditionBuilder()
        .withType(type)
        .withStatus(status)
        .withReason("R")
        .withMessage("m")
        .withLastTransitionTime(since)
        .build();
  }

  private static dev.inference.nemotron.api.v1alpha1.EffectiveModeMix mix(int ar, int d, int ss) {
    var m = new dev.inference.nemotron.api.v1alpha1.EffectiveModeMix();
    m.setAutoregressive(ar);
    m.setDiffusion(d);
    m.setSelfSpeculation(ss);
    return m;
  }
}
