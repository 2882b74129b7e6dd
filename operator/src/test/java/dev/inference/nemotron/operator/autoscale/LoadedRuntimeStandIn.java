package dev.inference.nemotron.operator.autoscale;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * STAND-IN for a loaded inference pod: a real HTTP server on loopback that answers {@code GET
 * /metrics/snapshot} in the runtime's snapshot format ({@code ServingMetrics.snapshotJson}), with
 * counters that grow at fixed rates since the server started, so that the scraper measures exactly
 * those rates. Real {@code ndd serve} processes under load are scraped in PodScraperTest and in the
 * e2e module's local fleet; this one makes the load a test can assert on exact.
 *
 * @see #answering(boolean) to make the pod stop answering (a stale pod)
 */
final class LoadedRuntimeStandIn implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer server;
  private final long startNanos = System.nanoTime();
  private final double tokensPerSecond;
  private final double forwardsPerSecond;
  private final double requestsPerSecond;
  private final double queueDepth;
  private final double activeSequences;
  private final AtomicBoolean answering = new AtomicBoolean(true);
  private volatile BatchProfile batches;

  /**
   * The engine's batched forwards: each takes {@code fixedMs + perRowMs x rows}; the batch width
   * alternates between {@code rowsA} and {@code rowsB} every {@code phaseSeconds}, so that the
   * scraped widths differ and the operator can fit the cost of a wider forward.
   */
  record BatchProfile(
      double fixedMs, double perRowMs, double rowsA, double rowsB, double phaseSeconds) {

    double rate(double rows) {
      return 1000 / (fixedMs + perRowMs * rows);
    }

    /** Batched forwards and their rows summed from the start to {@code seconds}. */
    double[] integrate(double seconds) {
      long phases = (long) Math.floor(seconds / phaseSeconds);
      double rest = seconds - phases * phaseSeconds;
      long even = (phases + 1) / 2;
      long odd = phases / 2;
      double batchesA = rate(rowsA) * (even * phaseSeconds + (phases % 2 == 0 ? rest : 0));
      double batchesB = rate(rowsB) * (odd * phaseSeconds + (phases % 2 == 1 ? rest : 0));
      return new double[] {batchesA + batchesB, batchesA * rowsA + batchesB * rowsB};
    }
  }

  /**
   * @param tokensPerSecond self-speculation tokens per second
   * @param forwardsPerSecond self-speculation forward passes per second
   * @param requestsPerSecond finished requests per second, half under 1 s, half between 1 and 2.5 s
   * @param queueDepth requests waiting (gauge)
   * @param activeSequences sequences decoding (gauge)
   */
  LoadedRuntimeStandIn(
      double tokensPerSecond,
      double forwardsPerSecond,
      double requestsPerSecond,
      double queueDepth,
      double activeSequences)
      throws IOException {
    this.tokensPerSecond = tokensPerSecond;
    this.forwardsPerSecond = forwardsPerSecond;
    this.requestsPerSecond = requestsPerSecond;
    this.queueDepth = queueDepth;
    this.activeSequences = activeSequences;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    server.createContext(
        "/metrics/snapshot",
        exchange -> {
          byte[] body = answering.get() ? snapshot() : new byte[0];
          exchange.sendResponseHeaders(
              answering.get() ? 200 : 503, body.length == 0 ? -1 : body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
  }

  /** The port it listens on (127.0.0.1). */
  int port() {
    return server.getAddress().getPort();
  }

  /** Also reports batched forwards (absent by default, as from a runtime that does not). */
  void batches(BatchProfile profile) {
    batches = profile;
  }

  /** Whether it answers 200 with a snapshot (true) or 503 (false). */
  void answering(boolean answer) {
    answering.set(answer);
  }

  private byte[] snapshot() throws IOException {
    double seconds = (System.nanoTime() - startNanos) / 1e9;
    ObjectNode root = JSON.createObjectNode();
    ObjectNode counters = root.putObject("counters");
    counter(counters, "ndd_generated_tokens", tokensPerSecond * seconds);
    counter(counters, "ndd_forward_passes", forwardsPerSecond * seconds);
    BatchProfile profile = batches;
    if (profile != null) {
      double[] done = profile.integrate(seconds);
      counters.putArray("ndd_batched_forwards").addObject().put("value", done[0]).putObject("tags");
      root.putObject("summaries")
          .putArray("ndd_batch_rows")
          .addObject()
          .put("count", done[0])
          .put("sum", done[1])
          .putObject("tags");
    }
    ObjectNode gauges = root.putObject("gauges");
    gauges.putArray("ndd_queue_depth").addObject().put("value", queueDepth).putObject("tags");
    gauges
        .putArray("ndd_active_sequences")
        .addObject()
        .put("value", activeSequences)
        .putObject("tags");
    ObjectNode histograms = root.putObject("histograms");
    double requests = requestsPerSecond * seconds;
    histogram(histograms, "ndd_request_duration", requests);
    histogram(histograms, "ndd_time_to_first_token", requests);
    return JSON.writeValueAsBytes(root);
  }

  private static void counter(ObjectNode counters, String name, double value) {
    ObjectNode e = counters.putArray(name).addObject();
    e.putObject("tags").put("mode", "self-speculation").put("variant", "linear");
    e.put("value", value);
  }

  private static void histogram(ObjectNode histograms, String name, double count) {
    ObjectNode e = histograms.putArray(name).addObject();
    e.putObject("tags").put("mode", "self-speculation").put("variant", "linear");
    e.put("count", count);
    ArrayNode buckets = e.putArray("buckets");
    buckets.addObject().put("le", 0.5).put("count", 0.0);
    buckets.addObject().put("le", 1.0).put("count", count / 2);
    buckets.addObject().put("le", 2.5).put("count", count);
    buckets.addObject().put("le", "+Inf").put("count", count);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
