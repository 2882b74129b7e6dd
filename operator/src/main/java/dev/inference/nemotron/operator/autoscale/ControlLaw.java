package dev.inference.nemotron.operator.autoscale;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The builtin autoscaler's decision, a pure function of what was measured (DESIGN.md "Autoscaling
 * on TPF and latency"):
 *
 * <pre>
 * capacity per replica = forwards/s per replica at saturation x TPF of the current mode mix
 * demand               = generated tokens/s, raised by the queue's share when requests wait
 * recommendation       = ceil(demand / (capacity per replica x target utilization))
 * latency guard        : p95 or TTFT above target (and no pod still starting) -> at least current + 1
 * panic                : demand above panicThreshold x current capacity -> the recommendation at once
 * scale-up rate        : otherwise at most double per decision
 * scale-down           : to the highest recommendation of the stabilization window, after the cooldown,
 *                        once the law's recommendations cover the whole window (not right after a start)
 * tolerance band       : a recommendation within +-tolerance of the current count changes nothing
 * bounds               : [minReplicas, maxReplicas]
 * stale or missing     : hold (never scale down blind)
 * </pre>
 *
 * Capacity is measured: forwards per second per ready replica in saturated samples (requests were
 * waiting, so the replicas did all they could), times the TPF the mix achieves now, so a mode whose
 * TPF collapses lowers capacity at once. Until a saturated sample exists, a per-replica fallback
 * (the GPU class's profile) stands in, and the reason says so.
 */
public final class ControlLaw {
  /** How far back saturated samples count for capacity. */
  static final Duration CAPACITY_WINDOW = Duration.ofMinutes(10);

  /** TPF is averaged over this window (tokens over forwards), so one noisy scrape moves nothing. */
  static final Duration TPF_WINDOW = Duration.ofSeconds(60);

  private ControlLaw() {}

  /** The decision for {@code history} under {@code policy} at {@code now}. */
  public static ScaleDecision decide(ScalingHistory history, ScalingPolicy policy, Instant now) {
    int current = history.replicas();
    Map<String, Double> inputs = new LinkedHashMap<>();
    inputs.put("currentReplicas", (double) current);
    Optional<FleetSample> latest = history.latest();
    if (latest.isEmpty()) {
      return hold(
          current, inputs, policy, "hold at %d replicas: no metrics yet".formatted(current));
    }
    FleetSample s = latest.get();
    Duration age = Duration.between(s.at(), now);
    if (age.compareTo(policy.staleAfter()) > 0) {
      return hold(
          current,
          inputs,
          policy,
          "hold at %d replicas: the last metrics are %d s old (stale after %d s); never scaling down blind"
              .formatted(current, age.toSeconds(), policy.staleAfter().toSeconds()));
    }
    if (s.staleReplicas() > 0 || s.readyReplicas() == 0) {
      return hold(
          current,
          inputs,
          policy,
          s.readyReplicas() == 0
              ? "hold at %d replicas: no ready replica answered (%d starting)"
                  .formatted(current, s.startingReplicas())
              : "hold at %d replicas: %d of %d ready replicas could not be scraped"
                  .formatted(current, s.staleReplicas(), s.readyReplicas() + s.staleReplicas()));
    }

    double tpf = windowedTokensPerForward(history, now);
    Capacity capacity = capacity(history, policy, now, tpf);
    double demand = demand(s);
    inputs.put("demandTokensPerSecond", demand);
    inputs.put("capacityTokensPerSecondPerReplica", capacity.perReplica());
    inputs.put("tokensPerForward", Double.isNaN(tpf) ? 0 : tpf);
    inputs.put("queueDepth", s.queueDepth());
    putIfMeasured(inputs, "p95LatencyMs", s.p95LatencyMs());
    putIfMeasured(inputs, "p95TimeToFirstTokenMs", s.p95TimeToFirstTokenMs());

    double exact = demand / (capacity.perReplica() * policy.targetUtilization());
    int raw = (int) Math.min(Integer.MAX_VALUE, Math.ceil(exact));
    raw = Math.max(raw, demand > 0 ? 1 : 0);
    inputs.put("exactReplicas", exact);
    StringBuilder why = new StringBuilder();
    why.append(
        String.format(
            Locale.ROOT,
            "demand %.0f tokens/s against %.0f tokens/s per replica (%s) at %.0f%% target utilization needs %d",
            demand,
            capacity.perReplica(),
            capacity.source(),
            policy.targetUtilization() * 100,
            raw));
    int recommendation = raw;

    // Latency guard: the capacity model can be wrong; measured latency over target wins.
    boolean latencyOver = false;
    if (s.startingReplicas() == 0) {
      String over = latencyOver(s, policy);
      if (over != null) {
        latencyOver = true;
        if (recommendation <= current) {
          recommendation = current + 1;
          why.append("; ").append(over).append(", so one more");
        } else {
          why.append("; ").append(over);
        }
      }
    }

    int target = recommendation;
    boolean panic = demand > policy.panicThreshold() * capacity.perReplica() * Math.max(1, current);
    if (target > current) {
      if (!panic && target > 2 * Math.max(1, current)) {
        target = 2 * Math.max(1, current);
        why.append("; scale-up limited to doubling");
      }
      if (panic) {
        why.append(
            String.format(
                Locale.ROOT,
                "; panic: demand is %.1fx the current capacity (threshold %.1fx)",
                demand / (capacity.perReplica() * Math.max(1, current)),
                policy.panicThreshold()));
      }
      if (!latencyOver && !panic && withinTolerance(exact, current, policy)) {
        target = current;
        why.append("; within the %.0f%% tolerance band".formatted(policy.tolerance() * 100));
      }
    } else if (target < current) {
      int stable = highestRecommendation(history, policy, now, recommendation);
      Duration seen = recommendationsSpan(history, now);
      if (seen.compareTo(policy.stabilization()) < 0) {
        // a loop that just started (an operator restart) has not seen the whole window yet
        target = current;
        why.append(
            "; scale-down waits: recommendations cover %d s of the %d s window"
                .formatted(seen.toSeconds(), policy.stabilization().toSeconds()));
      } else if (stable >= current) {
        target = current;
        why.append(
            "; scale-down waits: %d was recommended within the last %d s"
                .formatted(stable, policy.stabilization().toSeconds()));
      } else {
        target = stable;
        Optional<Instant> last = history.lastChange();
        if (last.isPresent()
            && Duration.between(last.get(), now).compareTo(policy.scaleDownCooldown()) < 0) {
          target = current;
          why.append(
              "; scale-down waits for the %d s cooldown (last change %d s ago)"
                  .formatted(
                      policy.scaleDownCooldown().toSeconds(),
                      Duration.between(last.get(), now).toSeconds()));
        } else if (withinTolerance(Math.max(exact, stable - 1), current, policy)) {
          target = current;
          why.append("; within the %.0f%% tolerance band".formatted(policy.tolerance() * 100));
        }
      }
    }
    int bounded = Math.max(policy.minReplicas(), Math.min(policy.maxReplicas(), target));
    if (bounded != target) {
      why.append("; bounded to [%d, %d]".formatted(policy.minReplicas(), policy.maxReplicas()));
    }
    tpfAdvice(s, policy).ifPresent(a -> why.append("; ").append(a));
    String verb = bounded > current ? "scale up" : bounded < current ? "scale down" : "hold";
    String reason =
        bounded == current
            ? "%s at %d replicas: %s".formatted(verb, current, why)
            : "%s from %d to %d replicas: %s".formatted(verb, current, bounded, why);
    return new ScaleDecision(bounded, recommendation, reason, inputs);
  }

  /** Capacity per replica and where the figure came from. */
  record Capacity(double perReplica, String source) {}

  static Capacity capacity(ScalingHistory history, ScalingPolicy policy, Instant now, double tpf) {
    double saturated = 0;
    double observed = 0;
    Instant horizon = now.minus(CAPACITY_WINDOW);
    for (FleetSample s : history.samples()) {
      if (s.at().isBefore(horizon) || s.readyReplicas() == 0) {
        continue;
      }
      double perReplica = s.forwardsPerSecond() / s.readyReplicas();
      observed = Math.max(observed, perReplica);
      if (s.saturated()) {
        saturated = Math.max(saturated, perReplica);
      }
    }
    double usedTpf = Double.isNaN(tpf) ? 1 : tpf;
    if (saturated > 0) {
      return new Capacity(
          saturated * usedTpf,
          String.format(
              Locale.ROOT,
              "measured: %.1f forwards/s at saturation x TPF %.2f",
              saturated,
              usedTpf));
    }
    // Unsaturated replicas show only a lower bound; the profile stands in until a queue forms.
    double forwards = Math.max(policy.fallbackForwardsPerSecondPerReplica(), observed);
    return new Capacity(
        forwards * usedTpf,
        String.format(
            Locale.ROOT,
            "not yet measured at saturation: %.1f forwards/s (%s) x TPF %.2f",
            forwards,
            observed > policy.fallbackForwardsPerSecondPerReplica() ? "observed" : "profile",
            usedTpf));
  }

  /** Tokens over forwards across the samples of the last {@link #TPF_WINDOW}; NaN without any. */
  static double windowedTokensPerForward(ScalingHistory history, Instant now) {
    double tokens = 0;
    double forwards = 0;
    Instant horizon = now.minus(TPF_WINDOW);
    for (FleetSample s : history.samples()) {
      if (!s.at().isBefore(horizon)) {
        tokens += s.tokensPerSecond();
        forwards += s.forwardsPerSecond();
      }
    }
    return forwards > 0 ? tokens / forwards : Double.NaN;
  }

  /** Tokens per second asked for: what was served, plus the waiting requests' share. */
  static double demand(FleetSample s) {
    double served = s.tokensPerSecond();
    if (s.queueDepth() <= 0) {
      return served;
    }
    // Requests that wait would have been served at the same per-sequence rate.
    return served * (1 + s.queueDepth() / Math.max(1, s.activeSequences()));
  }

  private static String latencyOver(FleetSample s, ScalingPolicy policy) {
    if (!Double.isNaN(s.p95LatencyMs()) && s.p95LatencyMs() > policy.p95LatencyTargetMs()) {
      return "p95 latency %.0f ms above target %.0f ms"
          .formatted(s.p95LatencyMs(), policy.p95LatencyTargetMs());
    }
    if (!Double.isNaN(s.p95TimeToFirstTokenMs())
        && s.p95TimeToFirstTokenMs() > policy.timeToFirstTokenTargetMs()) {
      return "p95 time to first token %.0f ms above target %.0f ms"
          .formatted(s.p95TimeToFirstTokenMs(), policy.timeToFirstTokenTargetMs());
    }
    return null;
  }

  /** Modes whose TPF fell below the target: they no longer pay for their wider forwards. */
  static Optional<String> tpfAdvice(FleetSample s, ScalingPolicy policy) {
    StringBuilder out = new StringBuilder();
    s.tokensPerForward().entrySet().stream()
        .filter(e -> !e.getKey().equals("autoregressive"))
        .filter(e -> e.getValue() < policy.minTokensPerForward())
        .sorted(Map.Entry.comparingByKey())
        .forEach(
            e ->
                out.append(out.isEmpty() ? "" : ", ")
                    .append(
                        String.format(
                            Locale.ROOT,
                            "%s TPF %.2f below the %.2f target",
                            e.getKey(),
                            e.getValue(),
                            policy.minTokensPerForward())));
    return out.isEmpty() ? Optional.empty() : Optional.of(out.toString());
  }

  private static int highestRecommendation(
      ScalingHistory history, ScalingPolicy policy, Instant now, int recommendation) {
    int highest = recommendation;
    Instant horizon = now.minus(policy.stabilization());
    for (ScalingHistory.Recommendation r : history.recommendations()) {
      if (!r.at().isBefore(horizon)) {
        highest = Math.max(highest, r.replicas());
      }
    }
    return highest;
  }

  /** How far back the law's own recommendations reach. */
  private static Duration recommendationsSpan(ScalingHistory history, Instant now) {
    return history.recommendations().isEmpty()
        ? Duration.ZERO
        : Duration.between(history.recommendations().getFirst().at(), now);
  }

  /** Whether the exact replica need is within the tolerance band around the current count. */
  private static boolean withinTolerance(double exact, int current, ScalingPolicy policy) {
    return current > 0 && Math.abs(exact / current - 1) <= policy.tolerance();
  }

  private static ScaleDecision hold(
      int current, Map<String, Double> inputs, ScalingPolicy policy, String reason) {
    return new ScaleDecision(current, current, reason, inputs);
  }

  private static void putIfMeasured(Map<String, Double> inputs, String name, double value) {
    if (!Double.isNaN(value)) {
      inputs.put(name, value);
    }
  }
}
