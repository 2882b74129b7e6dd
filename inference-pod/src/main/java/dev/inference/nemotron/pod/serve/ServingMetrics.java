package dev.inference.nemotron.pod.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.inference.nemotron.pod.decode.DecodeResult;
import dev.inference.nemotron.pod.decode.DecodingMode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The runtime's meters (DESIGN.md "Autoscaling on TPF and latency"), in Prometheus naming, counted
 * where the work happens: per decoding mode, forwards and generated tokens (TPF is the ratio of
 * their rates), latency histograms, speculation and diffusion work; per batched forward, its rows
 * and sequences; the queue, active sequences and KV cache use as gauges; per tenant, requests and
 * tokens. Served by {@link #scrape()} at {@code /metrics}.
 *
 * <p>The {@code mode} label is the API's name of the mode ({@code autoregressive}, {@code
 * diffusion}, {@code self-speculation}); {@code variant} tells linear from quadratic
 * self-speculation.
 */
public final class ServingMetrics {
  // Latency buckets from 5 ms to 5 min: wide enough for a CPU fleet and a GPU fleet alike.
  private static final Duration[] LATENCY_BUCKETS = {
    Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
    Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
    Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30),
    Duration.ofSeconds(60), Duration.ofSeconds(120), Duration.ofSeconds(300)
  };

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Map<DecodingMode, ModeMeters> modes = new EnumMap<>(DecodingMode.class);
  private final Counter batchedForwards;
  private final DistributionSummary batchRows;
  private final DistributionSummary batchSequences;

  /** The meters of one decoding mode. */
  private record ModeMeters(
      Counter forwards,
      Counter tokens,
      Timer firstToken,
      Timer interToken,
      Timer duration,
      Counter drafted,
      Counter accepted,
      Counter diffusionSteps) {}

  public ServingMetrics() {
    for (DecodingMode mode : DecodingMode.values()) {
      String name = apiName(mode);
      String variant = variant(mode);
      modes.put(
          mode,
          new ModeMeters(
              Counter.builder("ndd_forward_passes")
                  .description("Forward passes made by requests of this mode, prefill included")
                  .tags("mode", name, "variant", variant)
                  .register(registry),
              Counter.builder("ndd_generated_tokens")
                  .description("Tokens emitted to clients")
                  .tags("mode", name, "variant", variant)
                  .register(registry),
              timer("ndd_time_to_first_token", "Request arrival to its first token", name, variant),
              timer("ndd_inter_token_latency", "Time between consecutive tokens", name, variant),
              timer("ndd_request_duration", "Request arrival to its last token", name, variant),
              Counter.builder("ndd_spec_draft_tokens")
                  .description("Draft tokens put to verification by self-speculation")
                  .tags("mode", name, "variant", variant)
                  .register(registry),
              Counter.builder("ndd_spec_accepted_tokens")
                  .description("Draft tokens the verifier accepted (bonus tokens not included)")
                  .tags("mode", name, "variant", variant)
                  .register(registry),
              Counter.builder("ndd_diffusion_steps")
                  .description("Denoising forwards of diffusion blocks")
                  .tags("mode", name, "variant", variant)
                  .register(registry)));
    }
    batchedForwards =
        Counter.builder("ndd_batched_forwards")
            .description("Batched forward passes run by the engine (one weight read each)")
            .register(registry);
    batchRows =
        DistributionSummary.builder("ndd_batch_rows")
            .description("Rows per batched forward")
            .serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048)
            .register(registry);
    batchSequences =
        DistributionSummary.builder("ndd_batch_sequences")
            .description("Sequences per batched forward")
            .serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64)
            .register(registry);
  }

  private Timer timer(String name, String description, String mode, String variant) {
    return Timer.builder(name)
        .description(description)
        .tags("mode", mode, "variant", variant)
        .serviceLevelObjectives(LATENCY_BUCKETS)
        .register(registry);
  }

  /** The API's name of a mode: both self-speculation variants are {@code self-speculation}. */
  public static String apiName(DecodingMode mode) {
    return switch (mode) {
      case AUTOREGRESSIVE -> "autoregressive";
      case DIFFUSION -> "diffusion";
      case LINEAR_SPEC, QUADRATIC_SPEC -> "self-speculation";
    };
  }

  private static String variant(DecodingMode mode) {
    return switch (mode) {
      case LINEAR_SPEC -> "linear";
      case QUADRATIC_SPEC -> "quadratic";
      default -> "none";
    };
  }

  /** Registers the gauges read from the scheduler and the KV pool. */
  public void gauges(Supplier<Number> queued, Supplier<Number> active, Supplier<Number> kvUsed) {
    Gauge.builder("ndd_queue_depth", queued).description("Requests waiting").register(registry);
    Gauge.builder("ndd_active_sequences", active)
        .description("Sequences decoding")
        .register(registry);
    Gauge.builder("ndd_kv_cache_used_ratio", kvUsed)
        .description("KV cache memory in use over the pool")
        .register(registry);
  }

  /** One batched forward of {@code rows} rows over {@code sequences} sequences. */
  void batch(int rows, int sequences) {
    batchedForwards.increment();
    batchRows.record(rows);
    batchSequences.record(sequences);
  }

  /** A sequence's forward count and emitted tokens grew by these amounts. */
  void progress(DecodingMode mode, int forwards, int tokens) {
    ModeMeters m = modes.get(mode);
    if (forwards > 0) {
      m.forwards().increment(forwards);
    }
    if (tokens > 0) {
      m.tokens().increment(tokens);
    }
  }

  void firstToken(DecodingMode mode, long nanos) {
    modes.get(mode).firstToken().record(Duration.ofNanos(nanos));
  }

  void interToken(DecodingMode mode, long nanos) {
    modes.get(mode).interToken().record(Duration.ofNanos(nanos));
  }

  /** A finished request's duration and its mode's work tallies. */
  void finished(DecodeResult result, long nanos) {
    ModeMeters m = modes.get(result.mode());
    m.duration().record(Duration.ofNanos(nanos));
    m.drafted().increment(result.draftedTokens());
    m.accepted().increment(result.acceptedTokens());
    m.diffusionSteps().increment(result.diffusionStepsPerBlock().stream().mapToInt(i -> i).sum());
  }

  /**
   * A request of {@code tenant} ended with {@code outcome} (ok, cancelled, timeout, error, ...).
   */
  public void request(String tenant, String outcome) {
    Counter.builder("ndd_tenant_requests")
        .description("Requests per tenant and outcome")
        .tags("tenant", tenant, "outcome", outcome)
        .register(registry)
        .increment();
  }

  /** Tokens a tenant's request consumed, {@code kind} prompt or completion. */
  public void tenantTokens(String tenant, String kind, long tokens) {
    Counter.builder("ndd_tenant_tokens")
        .description("Tokens per tenant, prompt and completion")
        .tags("tenant", tenant, "kind", kind)
        .register(registry)
        .increment(tokens);
  }

  /** The Prometheus text exposition of every meter. */
  public String scrape() {
    return registry.scrape();
  }

  /**
   * The same meters as JSON, for the operator's autoscaler (Java has no maintained parser of the
   * Prometheus text format): {@code {"counters": {name: [{"tags": {...}, "value": v}]}, "gauges":
   * {...}, "histograms": {name: [{"tags": {...}, "count": n, "sumSeconds": s, "buckets": [{"le":
   * seconds, "count": cumulative}, ...]}]}}}. Names are the Prometheus base names (counters without
   * {@code _total}, timers without {@code _seconds}); the last bucket's {@code le} is the string
   * {@code "+Inf"}. Distribution summaries (rows and sequences per batched forward) are under
   * {@code "summaries"} as {@code {"tags": {...}, "count": n, "sum": s}}. Read from the registry
   * {@code /metrics} renders, so both always agree.
   */
  public byte[] snapshotJson() {
    ObjectNode root = SNAPSHOT_JSON.createObjectNode();
    ObjectNode counters = root.putObject("counters");
    ObjectNode gauges = root.putObject("gauges");
    ObjectNode histograms = root.putObject("histograms");
    ObjectNode summaries = root.putObject("summaries");
    for (Meter meter : registry.getMeters()) {
      String name = meter.getId().getName();
      switch (meter) {
        case Counter c -> entry(counters, name, meter).put("value", c.count());
        case Gauge g -> entry(gauges, name, meter).put("value", g.value());
        case Timer t -> {
          HistogramSnapshot snapshot = t.takeSnapshot();
          ObjectNode h = entry(histograms, name, meter);
          h.put("count", snapshot.count());
          h.put("sumSeconds", snapshot.total(TimeUnit.SECONDS));
          ArrayNode buckets = h.putArray("buckets");
          for (CountAtBucket b : snapshot.histogramCounts()) {
            buckets.addObject().put("le", b.bucket(TimeUnit.SECONDS)).put("count", b.count());
          }
          buckets.addObject().put("le", "+Inf").put("count", snapshot.count());
        }
        case DistributionSummary d ->
            entry(summaries, name, meter).put("count", d.count()).put("sum", d.totalAmount());
        default -> {}
      }
    }
    try {
      return SNAPSHOT_JSON.writeValueAsBytes(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a tree of numbers and strings always serializes", e);
    }
  }

  private static ObjectNode entry(ObjectNode section, String name, Meter meter) {
    ArrayNode list = section.has(name) ? (ArrayNode) section.get(name) : section.putArray(name);
    ObjectNode e = list.addObject();
    ObjectNode tags = e.putObject("tags");
    meter.getId().getTags().forEach(t -> tags.put(t.getKey(), t.getValue()));
    return e;
  }

  private static final ObjectMapper SNAPSHOT_JSON = new ObjectMapper();

  /** Content type of {@link #scrape()}. */
  public static String contentType() {
    return "text/plain; version=0.0.4; charset=utf-8";
  }
}
