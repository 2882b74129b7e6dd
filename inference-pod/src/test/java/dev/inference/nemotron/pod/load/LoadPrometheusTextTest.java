package dev.inference.nemotron.pod.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.inference.nemotron.pod.serve.ServingMetrics;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The tolerant Prometheus text reader, and the server figures taken from two scrapes. */
class LoadPrometheusTextTest {

  @Test
  void readsNamesLabelsAndValuesAndSkipsCommentsAndBlankLines() {
    String text =
        """
        # HELP ndd_forward_passes_total Forward passes
        # TYPE ndd_forward_passes_total counter
        ndd_forward_passes_total{mode="autoregressive",variant="none"} 120.0
        ndd_forward_passes_total{mode="self-speculation",variant="linear"} 4.5e1

        ndd_queue_depth 3
        ndd_batch_rows_bucket{le="+Inf"} +Inf
        ndd_odd{a="1"} NaN
        ndd_with_time{a="1"} 7 1712345678000
        # EOF
        """;

    List<PrometheusText.Sample> samples = PrometheusText.parse(text);

    assertThat(samples).hasSize(6);
    assertThat(samples.get(0))
        .isEqualTo(
            new PrometheusText.Sample(
                "ndd_forward_passes_total",
                Map.of("mode", "autoregressive", "variant", "none"),
                120.0));
    assertThat(samples.get(1).value()).isEqualTo(45.0);
    assertThat(samples.get(2)).isEqualTo(new PrometheusText.Sample("ndd_queue_depth", Map.of(), 3));
    assertThat(samples.get(3).value()).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(samples.get(4).value()).isNaN();
    assertThat(samples.get(5).value()).isEqualTo(7);
  }

  @Test
  void labelValuesMayHoldEscapesCommasBracesAndSpaces() {
    PrometheusText.Sample s =
        PrometheusText.parseLine(
            "m{path=\"/a,b}\", quote=\"say \\\"hi\\\"\",back=\"c:\\\\x\",nl=\"1\\n2\",} 1");

    assertThat(s).isNotNull();
    assertThat(s.labels())
        .containsExactly(
            Map.entry("path", "/a,b}"),
            Map.entry("quote", "say \"hi\""),
            Map.entry("back", "c:\\x"),
            Map.entry("nl", "1\n2"));
  }

  @Test
  void malformedLinesAreSkippedAndTheRestIsKept() {
    String text =
        String.join(
            "\r\n",
            "good_one 1",
            "no_value",
            "bad_number{a=\"1\"} twelve",
            "unclosed{a=\"1} 2",
            "no_quotes{a=1} 2",
            "{a=\"1\"} 3",
            "9starts_with_digit 4",
            "  good_two{x=\"y\"}   2.5  ",
            "");

    assertThat(PrometheusText.parse(text))
        .extracting(PrometheusText.Sample::name)
        .containsExactly("good_one", "good_two");
  }

  @Test
  void readsTheServersOwnScrape() {
    List<PrometheusText.Sample> samples = PrometheusText.parse(new ServingMetrics().scrape());

    assertThat(samples)
        .filteredOn(s -> s.name().equals(ServerFigures.FORWARDS))
        .extracting(s -> s.labels().get("mode"))
        .contains("autoregressive", "diffusion", "self-speculation");
    assertThat(samples).extracting(PrometheusText.Sample::name).contains(ServerFigures.ROWS_COUNT);
  }

  @Test
  void serverFiguresAreTheDifferenceOfTwoScrapesSummedOverVariants() {
    List<PrometheusText.Sample> before =
        PrometheusText.parse(
            """
            ndd_generated_tokens_total{mode="autoregressive",variant="none"} 100
            ndd_forward_passes_total{mode="autoregressive",variant="none"} 100
            ndd_generated_tokens_total{mode="self-speculation",variant="linear"} 10
            ndd_forward_passes_total{mode="self-speculation",variant="linear"} 10
            ndd_generated_tokens_total{mode="diffusion",variant="none"} 50
            ndd_forward_passes_total{mode="diffusion",variant="none"} 20
            ndd_batch_rows_sum 400
            ndd_batch_rows_count 100
            """);
    List<PrometheusText.Sample> after =
        PrometheusText.parse(
            """
            ndd_generated_tokens_total{mode="autoregressive",variant="none"} 164
            ndd_forward_passes_total{mode="autoregressive",variant="none"} 164
            ndd_generated_tokens_total{mode="self-speculation",variant="linear"} 70
            ndd_forward_passes_total{mode="self-speculation",variant="linear"} 30
            ndd_generated_tokens_total{mode="self-speculation",variant="quadratic"} 30
            ndd_forward_passes_total{mode="self-speculation",variant="quadratic"} 10
            ndd_generated_tokens_total{mode="diffusion",variant="none"} 50
            ndd_forward_passes_total{mode="diffusion",variant="none"} 20
            ndd_batch_rows_sum 700
            ndd_batch_rows_count 160
            """);

    ServerFigures figures = ServerFigures.between(before, after);

    // Diffusion did not run between the scrapes, so it has no figure.
    assertThat(figures.tokensPerForward()).containsOnlyKeys("autoregressive", "self-speculation");
    assertThat(figures.tokensPerForward().get("autoregressive")).isEqualTo(1.0);
    assertThat(figures.tokensPerForward().get("self-speculation")).isEqualTo(90.0 / 30.0);
    assertThat(figures.meanBatchRows()).isCloseTo(300.0 / 60.0, within(1e-12));
  }

  @Test
  void withoutForwardsBetweenTheScrapesThereAreNoFigures() {
    List<PrometheusText.Sample> same = PrometheusText.parse("ndd_batch_rows_count 5\n");

    ServerFigures figures = ServerFigures.between(same, same);

    assertThat(figures.tokensPerForward()).isEmpty();
    assertThat(figures.meanBatchRows()).isNaN();
  }
}
