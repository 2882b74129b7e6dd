package dev.inference.nemotron.pod.load;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The figures of a load run, as a table (a header, one line per level as it ends, the server's
 * figures) or as one JSON object.
 *
 * @param levels in the order they ran; the first is the baseline of every speed-up
 * @param server the server's figures over the levels; null when {@code /metrics} could not be read
 * @param serverError why {@code server} is null
 */
public record LoadReport(
    LoadPlan plan, List<LevelResult> levels, ServerFigures server, String serverError) {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int FAILURES_SHOWN = 3;

  public LoadReport {
    levels = List.copyOf(levels);
  }

  /** Whether no request of any level succeeded. */
  public boolean noneSucceeded() {
    return levels.stream().allMatch(l -> l.ok() == 0);
  }

  /** The first failure message of the run, or null. */
  public String firstFailure() {
    return levels.stream().flatMap(l -> l.failures().keySet().stream()).findFirst().orElse(null);
  }

  /** What the run sends, then the column titles. */
  public static List<String> header(LoadPlan plan) {
    return List.of(
        String.format(
            Locale.ROOT,
            "ndd load: POST %s, model %s, mode %s, max_tokens %d, prompt %d chars, warm-up %d",
            plan.resolve(plan.path()),
            plan.model(),
            plan.mode() == null ? "(server's choice)" : plan.mode(),
            plan.maxTokens(),
            plan.prompt().length(),
            plan.warmup()),
        String.format(
            Locale.ROOT,
            "%7s  %17s  %5s  %9s  %8s  %15s  %15s  %18s",
            "clients",
            "ok/refused/failed",
            "429s",
            "tokens/s",
            "speed-up",
            "TTFT p50/p95 ms",
            "ITL p50/p95 ms",
            "latency p50/p95 ms"));
  }

  /** One level's line, and one per distinct failure (at most three). */
  public static List<String> lines(LevelResult level, LevelResult baseline) {
    List<String> lines = new ArrayList<>();
    lines.add(
        String.format(
            Locale.ROOT,
            "%7d  %17s  %5d  %9.1f  %8s  %15s  %15s  %18s",
            level.concurrency(),
            level.ok() + "/" + level.refused() + "/" + level.failed(),
            level.refusals(),
            level.tokensPerSecond(),
            Double.isFinite(speedUp(level, baseline))
                ? number(speedUp(level, baseline), 2) + "x"
                : "-",
            spread(level.ttftMillis()),
            spread(level.itlMillis()),
            spread(level.latencyMillis())));
    int shown = 0;
    for (Map.Entry<String, Integer> f : level.failures().entrySet()) {
      if (shown++ == FAILURES_SHOWN) {
        lines.add("         ... and " + (level.failures().size() - FAILURES_SHOWN) + " more kinds");
        break;
      }
      lines.add("         " + f.getValue() + "x " + f.getKey());
    }
    return lines;
  }

  /** The server's figures over the levels, or why they are missing. */
  public List<String> serverLines() {
    if (server == null) {
      return List.of("server figures unavailable: " + serverError);
    }
    StringBuilder tpf = new StringBuilder();
    server
        .tokensPerForward()
        .forEach(
            (mode, v) ->
                tpf.append(tpf.isEmpty() ? "" : ", ")
                    .append(mode)
                    .append(' ')
                    .append(number(v, 2)));
    return List.of(
        "server over the levels (/metrics): tokens per forward "
            + (tpf.isEmpty() ? "-" : tpf)
            + "; mean rows per batched forward "
            + number(server.meanBatchRows(), 2));
  }

  /** The whole table: header, every level, the server's figures. */
  public List<String> table() {
    List<String> out = new ArrayList<>(header(plan));
    for (LevelResult level : levels) {
      out.addAll(lines(level, levels.get(0)));
    }
    out.addAll(serverLines());
    return out;
  }

  /** Tokens per second of {@code level} over those of {@code baseline}; NaN when that is 0. */
  public static double speedUp(LevelResult level, LevelResult baseline) {
    double base = baseline.tokensPerSecond();
    return base > 0 ? level.tokensPerSecond() / base : Double.NaN;
  }

  /** Every figure as one JSON object; what was not measured is null. */
  public ObjectNode toJson() {
    ObjectNode root = JSON.createObjectNode();
    root.put("url", plan.resolve(plan.path()).toString());
    root.put("model", plan.model());
    root.put("mode", plan.mode());
    root.put("chat", plan.chat());
    root.put("max_tokens", plan.maxTokens());
    root.put("prompt_chars", plan.prompt().length());
    root.put("warmup", plan.warmup());
    root.put("retries", plan.retries());
    root.put("percentiles", "nearest-rank");
    ArrayNode array = root.putArray("levels");
    for (LevelResult level : levels) {
      ObjectNode l = array.addObject();
      l.put("concurrency", level.concurrency());
      l.put("requests", level.requests().size());
      l.put("ok", level.ok());
      l.put("refused", level.refused());
      l.put("failed", level.failed());
      l.put("refusals_429", level.refusals());
      l.put("wall_seconds", level.wallNanos() / 1e9);
      l.put("completion_tokens", level.completionTokens());
      l.put("tokens_per_second", level.tokensPerSecond());
      putNumber(l, "speedup", speedUp(level, levels.get(0)));
      putSpread(l, "ttft_ms", level.ttftMillis());
      putSpread(l, "itl_ms", level.itlMillis());
      putSpread(l, "latency_ms", level.latencyMillis());
      ArrayNode failures = l.putArray("failures");
      level
          .failures()
          .forEach(
              (message, count) -> failures.addObject().put("message", message).put("count", count));
    }
    if (server != null) {
      ObjectNode s = root.putObject("server");
      ObjectNode tpf = s.putObject("tokens_per_forward");
      server.tokensPerForward().forEach(tpf::put);
      putNumber(s, "mean_batch_rows", server.meanBatchRows());
    } else {
      root.putNull("server");
    }
    root.put("server_error", serverError);
    return root;
  }

  private static void putSpread(ObjectNode parent, String name, NearestRank.Spread spread) {
    ObjectNode node = parent.putObject(name);
    putNumber(node, "p50", spread.p50());
    putNumber(node, "p95", spread.p95());
  }

  private static void putNumber(ObjectNode node, String name, double value) {
    if (Double.isFinite(value)) {
      node.put(name, value);
    } else {
      node.putNull(name);
    }
  }

  private static String spread(NearestRank.Spread s) {
    return s.present() ? millis(s.p50()) + "/" + millis(s.p95()) : "-";
  }

  /** Milliseconds with three significant digits or so: 0.42, 3.15, 41.2, 980. */
  private static String millis(double ms) {
    return number(ms, ms < 10 ? 2 : ms < 100 ? 1 : 0);
  }

  private static String number(double v, int decimals) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%." + decimals + "f", v) : "-";
  }
}
