package dev.inference.nemotron.charts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.inference.nemotron.pod.serve.ServingMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The fleets' Grafana dashboard asks Prometheus only for series the runtime really exposes. */
class DashboardTest {

  static final String DASHBOARD = "dashboards/nemotron-diffusion-fleets.json";

  /** kube-state-metrics series the dashboard may read besides the runtime's own. */
  private static final Set<String> KUBE_STATE_METRICS =
      Set.of("kube_deployment_status_replicas", "kube_deployment_status_replicas_available");

  // a series name is an identifier followed by a label matcher or a range
  private static final Pattern SELECTED_SERIES =
      Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*[{\\[]");
  private static final Pattern RUNTIME_OR_KUBE_NAME = Pattern.compile("\\b(?:ndd|kube)_[a-z0-9_]+");

  private static JsonNode dashboard;
  private static Set<String> scrapedSeries;

  @BeforeAll
  static void readDashboardAndScrapeTheRuntime() throws Exception {
    dashboard = new ObjectMapper().readTree(ProjectFiles.chart().resolve(DASHBOARD).toFile());
    ServingMetrics metrics = new ServingMetrics();
    metrics.gauges(() -> 1, () -> 2, () -> 0.5);
    metrics.request("search", "ok");
    metrics.tenantTokens("search", "completion", 16);
    scrapedSeries = new TreeSet<>();
    for (String line : metrics.scrape().split("\n")) {
      if (!line.isBlank() && !line.startsWith("#")) {
        scrapedSeries.add(line.split("[{ ]", 2)[0]);
      }
    }
  }

  @Test
  void everyPanelQueriesPrometheus() {
    assertThat(dashboard.path("panels")).isNotEmpty();
    for (JsonNode panel : dashboard.path("panels")) {
      assertThat(panel.path("targets")).as(panel.path("title").asText()).isNotEmpty();
      for (JsonNode target : panel.path("targets")) {
        assertThat(target.path("expr").asText()).as(panel.path("title").asText()).isNotBlank();
      }
    }
  }

  @Test
  void everyExpressionReadsOnlySeriesTheRuntimeRegisters() {
    for (String expression : expressions()) {
      Matcher selected = SELECTED_SERIES.matcher(expression);
      while (selected.find()) {
        String series = selected.group(1);
        assertThat(series.startsWith("ndd_") || KUBE_STATE_METRICS.contains(series))
            .as("%s in %s", series, expression)
            .isTrue();
      }
      Matcher named = RUNTIME_OR_KUBE_NAME.matcher(expression);
      while (named.find()) {
        String series = named.group();
        if (series.startsWith("ndd_")) {
          assertThat(scrapedSeries).as("in %s", expression).contains(series);
        } else {
          assertThat(KUBE_STATE_METRICS).as("in %s", expression).contains(series);
        }
      }
    }
  }

  @Test
  void showsTpfPerModeThroughputLatencyQueueKvCacheBatchingAndReplicas() {
    String all = String.join("\n", expressions());

    assertThat(all)
        .contains(
            "sum by (service, mode)(rate(ndd_generated_tokens_total{namespace=~\"$namespace\","
                + " service=~\"$fleet\"}[5m])) / sum by (service, mode)(rate(ndd_forward_passes_total")
        .contains(
            "histogram_quantile(0.95, sum by (service, mode, le)(rate(ndd_request_duration_seconds_bucket")
        .contains(
            "histogram_quantile(0.95, sum by (service, mode, le)(rate(ndd_time_to_first_token_seconds_bucket")
        .contains("ndd_queue_depth", "ndd_active_sequences", "ndd_kv_cache_used_ratio")
        .contains("ndd_batch_rows_sum", "ndd_batch_rows_count", "kube_deployment_status_replicas");
  }

  /** Every PromQL expression of the dashboard: panel targets and template variable queries. */
  private static List<String> expressions() {
    List<String> expressions = new ArrayList<>();
    for (JsonNode panel : dashboard.path("panels")) {
      panel.path("targets").forEach(t -> expressions.add(t.path("expr").asText()));
    }
    for (JsonNode variable : dashboard.at("/templating/list")) {
      if (variable.path("type").asText().equals("query")) {
        expressions.add(variable.at("/query/query").asText());
      }
    }
    return expressions;
  }
}
