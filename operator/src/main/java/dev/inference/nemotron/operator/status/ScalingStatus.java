package dev.inference.nemotron.operator.status;

import static dev.inference.nemotron.api.v1alpha1.NemotronDiffusionDeploymentStatus.SCALING_ACTIVE;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.inference.nemotron.api.v1alpha1.EffectiveModeMix;
import dev.inference.nemotron.api.v1alpha1.ModeAdvice;
import dev.inference.nemotron.api.v1alpha1.ModeTokensPerForward;
import dev.inference.nemotron.api.v1alpha1.NemotronDiffusionDeploymentStatus;
import dev.inference.nemotron.api.v1alpha1.ObservedMetrics;
import dev.inference.nemotron.api.v1alpha1.ScaleEvent;
import dev.inference.nemotron.operator.autoscale.FleetSample;
import io.fabric8.kubernetes.api.model.Condition;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The status fields the autoscaler's loop owns: {@code observed}, {@code modeAdvice}, {@code
 * lastScale}, {@code effectiveModeMix} and the ScalingActive condition. Pure. The reconciler's
 * {@link StatusAggregator} keeps them as they are, and {@link StatusWriter} carries them over from
 * the latest version when its write conflicts, so neither writer erases the other's fields.
 */
public final class ScalingStatus {

  private static final ObjectMapper JSON = new ObjectMapper();

  private ScalingStatus() {}

  /** ScalingActive before the loop has rates to decide on. */
  public static Judgement waitingForMetrics(int replicas) {
    return new Judgement(
        false,
        StatusAggregator.WAITING_FOR_METRICS,
        "replicas are held at %d until ready replicas have been scraped twice (a rate needs two"
                .formatted(replicas)
            + " readings)");
  }

  /** ScalingActive with the external actuator. */
  public static Judgement externalActuator() {
    return new Judgement(
        false,
        "ExternalActuator",
        "an external autoscaler (HPA, KEDA) sets spec.replicas through /scale; the operator only"
            + " reports measurements in status.observed");
  }

  /** ScalingActive as the loop judged it: a CamelCase reason and a message. */
  public record Judgement(boolean active, String reason, String message) {}

  /**
   * The measurements of {@code sample} as status values, rounded to what a person reads (TPF to
   * 0.01, milliseconds to 1, tokens/s to 0.1) so that noise below that does not count as a change.
   *
   * @param mixedTokensPerForward TPF of the mix over the law's window (NaN: none)
   */
  public static ObservedMetrics observed(
      FleetSample sample, double mixedTokensPerForward, Instant at) {
    ObservedMetrics o = new ObservedMetrics();
    ModeTokensPerForward modes = new ModeTokensPerForward();
    modes.setAutoregressive(round(sample.tokensPerForward().get("autoregressive"), 100));
    modes.setDiffusion(round(sample.tokensPerForward().get("diffusion"), 100));
    modes.setSelfSpeculation(round(sample.tokensPerForward().get("self-speculation"), 100));
    o.setTokensPerForward(modes);
    o.setTokensPerForwardMixed(round(mixedTokensPerForward, 100));
    o.setP95LatencyMs(round(sample.p95LatencyMs(), 1));
    o.setTimeToFirstTokenMs(round(sample.p95TimeToFirstTokenMs(), 1));
    o.setTokensPerSecond(round(sample.tokensPerSecond(), 10));
    o.setQueueDepth((int) Math.round(sample.queueDepth()));
    o.setSampledAt(at.truncatedTo(ChronoUnit.SECONDS).toString());
    return o;
  }

  /**
   * Whether {@code next} replaces {@code before} in the status: a value appeared or disappeared,
   * TPF moved by 0.05 or more, latency or throughput by more than 10%, the queue filled or emptied
   * or moved by more than half; otherwise only once {@code refresh} passed since {@code before} was
   * sampled (so {@code sampledAt} shows the loop is alive at a modest cadence).
   */
  public static boolean worthWriting(
      ObservedMetrics before, ObservedMetrics next, Duration refresh) {
    if (before == null || before.getSampledAt() == null) {
      return true;
    }
    Instant then = Instant.parse(before.getSampledAt());
    if (Duration.between(then, Instant.parse(next.getSampledAt())).compareTo(refresh) >= 0) {
      return true;
    }
    ModeTokensPerForward a = before.getTokensPerForward();
    ModeTokensPerForward b = next.getTokensPerForward();
    if (a == null || b == null) {
      return a != b;
    }
    return absolute(a.getAutoregressive(), b.getAutoregressive(), 0.05)
        || absolute(a.getDiffusion(), b.getDiffusion(), 0.05)
        || absolute(a.getSelfSpeculation(), b.getSelfSpeculation(), 0.05)
        || absolute(before.getTokensPerForwardMixed(), next.getTokensPerForwardMixed(), 0.05)
        || relative(before.getP95LatencyMs(), next.getP95LatencyMs(), 0.1)
        || relative(before.getTimeToFirstTokenMs(), next.getTimeToFirstTokenMs(), 0.1)
        || relative(before.getTokensPerSecond(), next.getTokensPerSecond(), 0.1)
        || queueMoved(before.getQueueDepth(), next.getQueueDepth());
  }

  /**
   * {@code before} with the loop's fields replaced: observed, modeAdvice, lastScale,
   * effectiveModeMix, and ScalingActive set in place (its transition time kept while its status
   * holds); every other field and condition is kept as the reconciler wrote it.
   */
  public static NemotronDiffusionDeploymentStatus apply(
      NemotronDiffusionDeploymentStatus before,
      long generation,
      Instant now,
      ObservedMetrics observed,
      List<ModeAdvice> modeAdvice,
      ScaleEvent lastScale,
      EffectiveModeMix effectiveModeMix,
      Judgement scalingActive) {
    NemotronDiffusionDeploymentStatus base =
        Objects.requireNonNullElseGet(before, NemotronDiffusionDeploymentStatus::new);
    NemotronDiffusionDeploymentStatus after = copy(base);
    after.setObserved(observed);
    after.setModeAdvice(modeAdvice);
    after.setLastScale(lastScale);
    after.setEffectiveModeMix(effectiveModeMix);
    ConditionSet conditions = new ConditionSet(base.getConditions(), generation, now);
    boolean placed = false;
    if (base.getConditions() != null) {
      for (Condition c : base.getConditions()) {
        if (SCALING_ACTIVE.equals(c.getType())) {
          judge(conditions, scalingActive);
          placed = true;
        } else {
          conditions.keep(c.getType());
        }
      }
    }
    if (!placed) {
      judge(conditions, scalingActive);
    }
    after.setConditions(conditions.toList());
    return after;
  }

  /**
   * {@code mine} with the loop's fields taken from {@code latest}: what the reconciler writes onto
   * a newer version after a conflict must not erase a measurement or a scale made in between.
   */
  public static NemotronDiffusionDeploymentStatus withLoopFieldsOf(
      NemotronDiffusionDeploymentStatus latest, NemotronDiffusionDeploymentStatus mine) {
    if (latest == null) {
      return mine;
    }
    NemotronDiffusionDeploymentStatus out = copy(mine);
    out.setObserved(latest.getObserved());
    out.setModeAdvice(latest.getModeAdvice());
    out.setLastScale(latest.getLastScale());
    out.setEffectiveModeMix(latest.getEffectiveModeMix());
    Condition theirs = condition(latest.getConditions());
    if (theirs != null && out.getConditions() != null) {
      List<Condition> merged = new ArrayList<>();
      for (Condition c : out.getConditions()) {
        merged.add(SCALING_ACTIVE.equals(c.getType()) ? theirs : c);
      }
      out.setConditions(merged);
    }
    return out;
  }

  private static Condition condition(List<Condition> conditions) {
    return conditions == null
        ? null
        : conditions.stream()
            .filter(c -> SCALING_ACTIVE.equals(c.getType()))
            .findFirst()
            .orElse(null);
  }

  private static void judge(ConditionSet conditions, Judgement j) {
    conditions.set(SCALING_ACTIVE, j.active(), j.reason(), j.message());
  }

  /** Whether two statuses are the same (as JSON, as the API server would store them). */
  public static boolean same(
      NemotronDiffusionDeploymentStatus a, NemotronDiffusionDeploymentStatus b) {
    return JSON.valueToTree(a).equals(JSON.valueToTree(b));
  }

  /** A deep copy through JSON, so that fields added to the status later are copied too. */
  private static NemotronDiffusionDeploymentStatus copy(NemotronDiffusionDeploymentStatus s) {
    return JSON.convertValue(JSON.valueToTree(s), NemotronDiffusionDeploymentStatus.class);
  }

  private static Double round(Double value, double scale) {
    return value == null || value.isNaN() || value.isInfinite()
        ? null
        : Math.round(value * scale) / scale;
  }

  private static boolean absolute(Double a, Double b, double by) {
    if (a == null || b == null) {
      return a != b;
    }
    return Math.abs(a - b) >= by;
  }

  private static boolean relative(Double a, Double b, double by) {
    if (a == null || b == null) {
      return a != b;
    }
    double scale = Math.max(Math.abs(a), 1);
    return Math.abs(a - b) / scale > by;
  }

  private static boolean queueMoved(Integer a, Integer b) {
    int x = a == null ? 0 : a;
    int y = b == null ? 0 : b;
    if ((x == 0) != (y == 0)) {
      return true;
    }
    return Math.abs(x - y) > Math.max(1, Math.max(x, y) / 2);
  }
}
