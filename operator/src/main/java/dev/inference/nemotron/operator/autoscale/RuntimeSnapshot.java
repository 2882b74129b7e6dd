package dev.inference.nemotron.operator.autoscale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads the runtime's {@code GET /metrics/snapshot}: the JSON rendering of the very meters its
 * {@code /metrics} exposes in the Prometheus text format (one source of truth; Java has no
 * maintained parser of the text format). Both self-speculation variants add up under their mode.
 */
public final class RuntimeSnapshot {
  private static final ObjectMapper JSON = new ObjectMapper();

  private RuntimeSnapshot() {}

  /**
   * The pod's reading.
   *
   * @throws IOException when the body is not the snapshot JSON, naming what is missing
   */
  public static PodReading read(byte[] body, String pod, Instant at) throws IOException {
    JsonNode root = JSON.readTree(body);
    if (root == null || !root.path("counters").isObject() || !root.path("histograms").isObject()) {
      throw new IOException(
          "pod " + pod + " answered /metrics/snapshot without counters and histograms");
    }
    return new PodReading(
        pod,
        at,
        byMode(root.path("counters").path("ndd_generated_tokens")),
        byMode(root.path("counters").path("ndd_forward_passes")),
        histogram(root.path("histograms").path("ndd_request_duration"), pod),
        histogram(root.path("histograms").path("ndd_time_to_first_token"), pod),
        gauge(root.path("gauges").path("ndd_queue_depth")),
        gauge(root.path("gauges").path("ndd_active_sequences")),
        gauge(root.path("counters").path("ndd_batched_forwards")),
        sum(root.path("summaries").path("ndd_batch_rows"), "count"),
        sum(root.path("summaries").path("ndd_batch_rows"), "sum"));
  }

  private static Map<String, Double> byMode(JsonNode series) {
    Map<String, Double> out = new HashMap<>();
    for (JsonNode e : series) {
      out.merge(
          e.path("tags").path("mode").asText("unknown"), e.path("value").asDouble(), Double::sum);
    }
    return out;
  }

  private static double sum(JsonNode series, String field) {
    double sum = 0;
    for (JsonNode e : series) {
      sum += e.path(field).asDouble();
    }
    return sum;
  }

  private static double gauge(JsonNode series) {
    double sum = 0;
    for (JsonNode e : series) {
      sum += e.path("value").asDouble();
    }
    return sum;
  }

  /** The series of one histogram summed over their tags (every mode has the same buckets). */
  private static LatencyHistogram histogram(JsonNode series, String pod) throws IOException {
    LatencyHistogram sum = null;
    for (JsonNode e : series) {
      JsonNode buckets = e.path("buckets");
      double[] bounds = new double[buckets.size()];
      double[] counts = new double[buckets.size()];
      for (int i = 0; i < buckets.size(); i++) {
        JsonNode le = buckets.get(i).path("le");
        bounds[i] =
            le.isTextual() && le.asText().equals("+Inf") ? Double.POSITIVE_INFINITY : le.asDouble();
        counts[i] = buckets.get(i).path("count").asDouble();
      }
      try {
        LatencyHistogram h = new LatencyHistogram(bounds, counts);
        sum = sum == null ? h : sum.plus(h);
      } catch (IllegalArgumentException ex) {
        throw new IOException("pod " + pod + " sent a malformed histogram: " + ex.getMessage(), ex);
      }
    }
    return sum == null
        ? new LatencyHistogram(new double[] {Double.POSITIVE_INFINITY}, new double[] {0})
        : sum;
  }
}
