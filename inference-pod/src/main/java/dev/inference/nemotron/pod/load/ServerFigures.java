package dev.inference.nemotron.pod.load;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the server counted while the levels ran: the difference of two {@code /metrics} scrapes, one
 * before the first level (after the warm-up) and one after the last, so earlier traffic does not
 * blur it (traffic from other clients meanwhile still does).
 *
 * @param tokensPerForward per decoding mode ({@code mode} label), generated tokens over forward
 *     passes ({@code ndd_generated_tokens_total / ndd_forward_passes_total}); only modes that ran
 * @param meanBatchRows rows per batched forward ({@code ndd_batch_rows_sum / _count}); NaN when no
 *     forward ran
 */
public record ServerFigures(Map<String, Double> tokensPerForward, double meanBatchRows) {

  static final String TOKENS = "ndd_generated_tokens_total";
  static final String FORWARDS = "ndd_forward_passes_total";
  static final String ROWS_SUM = "ndd_batch_rows_sum";
  static final String ROWS_COUNT = "ndd_batch_rows_count";

  public ServerFigures {
    tokensPerForward = Map.copyOf(tokensPerForward);
  }

  /** The figures of the traffic between the scrapes {@code before} and {@code after}. */
  public static ServerFigures between(
      List<PrometheusText.Sample> before, List<PrometheusText.Sample> after) {
    Map<String, Double> tokens = byMode(after, TOKENS);
    Map<String, Double> forwards = byMode(after, FORWARDS);
    byMode(before, TOKENS).forEach((mode, v) -> tokens.merge(mode, -v, Double::sum));
    byMode(before, FORWARDS).forEach((mode, v) -> forwards.merge(mode, -v, Double::sum));
    Map<String, Double> tpf = new TreeMap<>();
    forwards.forEach(
        (mode, f) -> {
          if (f > 0) {
            tpf.put(mode, tokens.getOrDefault(mode, 0.0) / f);
          }
        });
    double rows = sum(after, ROWS_SUM) - sum(before, ROWS_SUM);
    double count = sum(after, ROWS_COUNT) - sum(before, ROWS_COUNT);
    return new ServerFigures(tpf, count > 0 ? rows / count : Double.NaN);
  }

  /** The samples named {@code name}, summed per {@code mode} label (over variants). */
  private static Map<String, Double> byMode(List<PrometheusText.Sample> samples, String name) {
    Map<String, Double> out = new TreeMap<>();
    for (PrometheusText.Sample s : samples) {
      if (s.name().equals(name)) {
        out.merge(s.labels().getOrDefault("mode", ""), s.value(), Double::sum);
      }
    }
    return out;
  }

  private static double sum(List<PrometheusText.Sample> samples, String name) {
    return samples.stream().filter(s -> s.name().equals(name)).mapToDouble(s -> s.value()).sum();
  }
}
