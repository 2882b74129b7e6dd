package dev.inference.nemotron.operator.autoscale;

import dev.inference.nemotron.api.v1alpha1.ModeAdvice;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Whether each wide decoding mode currently beats autoregressive decoding on a fleet, from what was
 * measured (a pure function of the history):
 *
 * <pre>
 * time of one batched forward at saturation  t(R) = a + b x R     (R rows; fitted over saturated samples)
 * n = sequence forwards per batched forward  (measured)
 * cost of a mode's sequence forward, relative to an autoregressive one (1 row):
 *   cost(w) = (a/n + b x w) / (a/n + b)                          (w = the mode's rows per forward)
 * speedup over autoregressive = TPF(mode) / TPF(autoregressive) / cost(w)
 * </pre>
 *
 * On a memory-bound accelerator {@code b} is near zero, wider forwards are almost free and a TPF
 * above 1 wins; on a compute-bound one every row costs and a mode must make up for its width. The
 * fit needs saturated samples (the engine never idles, so the time per batched forward is its cost)
 * at batch widths at least 10% apart; until then the advice says so and takes no side.
 */
public final class ModeAdvisor {

  /** Samples older than this do not count. */
  static final Duration WINDOW = Duration.ofMinutes(10);

  /** Per-mode TPF is averaged over this window. */
  static final Duration TPF_WINDOW = Duration.ofSeconds(60);

  private ModeAdvisor() {}

  /** The forward-time model {@code t = a + b x rows}, per replica, in seconds. */
  record ForwardCost(double fixedSeconds, double perRowSeconds, double sequencesPerForward) {
    double relative(int rows) {
      double fixed = fixedSeconds / sequencesPerForward;
      return (fixed + perRowSeconds * rows) / (fixed + perRowSeconds);
    }
  }

  /**
   * Advice for each mode in {@code rowsPerForward} (API mode name to its rows per sequence forward,
   * from the spec's block sizes) that ran in the last minute.
   */
  public static List<ModeAdvice> advise(
      ScalingHistory history, Map<String, Integer> rowsPerForward, Instant now) {
    Map<String, Double> tpf = windowedTpfPerMode(history, now);
    double baseline = tpf.getOrDefault("autoregressive", 1.0);
    ForwardCost cost = fit(history, now);
    List<ModeAdvice> out = new ArrayList<>();
    for (Map.Entry<String, Integer> mode : rowsPerForward.entrySet()) {
      Double modeTpf = tpf.get(mode.getKey());
      if (modeTpf == null) {
        continue;
      }
      ModeAdvice advice = new ModeAdvice();
      advice.setMode(apiToField(mode.getKey()));
      advice.setTokensPerForward(round(modeTpf));
      if (cost == null) {
        advice.setReason(
            String.format(
                Locale.ROOT,
                "TPF %.2f; the cost of a %d-row forward is not measured yet (needs saturated"
                    + " samples at batch widths 10%% apart)",
                modeTpf,
                mode.getValue()));
      } else {
        double relative = cost.relative(mode.getValue());
        double speedup = modeTpf / baseline / relative;
        advice.setRelativeForwardCost(round(relative));
        advice.setSpeedupOverAutoregressive(round(speedup));
        advice.setBeatsAutoregressive(speedup > 1);
        advice.setReason(
            String.format(
                Locale.ROOT,
                "TPF %.2f against autoregressive %.2f; a %d-row forward costs %.2fx a 1-row one"
                    + " (batched forward = %.2f ms + %.3f ms per row, %.1f sequences per forward),"
                    + " so %.2fx the tokens per second per replica: %s",
                modeTpf,
                baseline,
                mode.getValue(),
                relative,
                cost.fixedSeconds() * 1000,
                cost.perRowSeconds() * 1000,
                cost.sequencesPerForward(),
                speedup,
                speedup > 1 ? "beats autoregressive" : "autoregressive is faster here"));
      }
      out.add(advice);
    }
    return out;
  }

  /** Least squares over saturated samples; null when the widths do not differ enough. */
  static ForwardCost fit(ScalingHistory history, Instant now) {
    List<double[]> points = new ArrayList<>();
    double sequences = 0;
    Instant horizon = now.minus(WINDOW);
    for (FleetSample s : history.samples()) {
      if (s.at().isBefore(horizon)
          || !s.saturated()
          || s.readyReplicas() == 0
          || !(s.batchedForwardsPerSecond() > 0)
          || Double.isNaN(s.rowsPerBatchedForward())) {
        continue;
      }
      double perReplica = s.batchedForwardsPerSecond() / s.readyReplicas();
      points.add(new double[] {s.rowsPerBatchedForward(), 1 / perReplica});
      sequences += s.forwardsPerSecond() / s.batchedForwardsPerSecond();
    }
    if (points.size() < 2) {
      return null;
    }
    double minRows = Double.MAX_VALUE;
    double maxRows = 0;
    double mx = 0;
    double my = 0;
    for (double[] p : points) {
      minRows = Math.min(minRows, p[0]);
      maxRows = Math.max(maxRows, p[0]);
      mx += p[0];
      my += p[1];
    }
    if (maxRows < 1.1 * minRows) {
      return null;
    }
    mx /= points.size();
    my /= points.size();
    double sxy = 0;
    double sxx = 0;
    for (double[] p : points) {
      sxy += (p[0] - mx) * (p[1] - my);
      sxx += (p[0] - mx) * (p[0] - mx);
    }
    // a noisy fit may come out with a negative slope or intercept: clamp to what is physical
    double b = Math.max(0, sxy / sxx);
    double a = Math.max(0, my - b * mx);
    if (a == 0 && b == 0) {
      return null;
    }
    return new ForwardCost(a, b, Math.max(1, sequences / points.size()));
  }

  static Map<String, Double> windowedTpfPerMode(ScalingHistory history, Instant now) {
    Map<String, double[]> sums = new LinkedHashMap<>();
    Instant horizon = now.minus(TPF_WINDOW);
    for (FleetSample s : history.samples()) {
      if (s.at().isBefore(horizon)) {
        continue;
      }
      s.tokensPerForward()
          .forEach(
              (mode, value) -> {
                double[] acc = sums.computeIfAbsent(mode, k -> new double[2]);
                acc[0] += value;
                acc[1]++;
              });
    }
    Map<String, Double> out = new LinkedHashMap<>();
    sums.forEach((mode, acc) -> out.put(mode, acc[0] / acc[1]));
    return out;
  }

  private static String apiToField(String mode) {
    return mode.equals("self-speculation") ? "selfSpeculation" : mode;
  }

  private static Double round(double v) {
    return Double.isFinite(v) ? Math.round(v * 100) / 100.0 : null;
  }
}
