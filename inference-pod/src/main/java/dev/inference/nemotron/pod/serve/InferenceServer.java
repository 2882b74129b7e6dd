package dev.inference.nemotron.pod.serve;

import dev.inference.nemotron.pod.decode.DecodeRequest;
import dev.inference.nemotron.pod.decode.Decoder;
import dev.inference.nemotron.pod.decode.DecodingMode;
import dev.inference.nemotron.pod.decode.SamplingParams;
import dev.inference.nemotron.pod.decode.TokenListener;
import dev.inference.nemotron.pod.engine.ForwardPassFactory;
import dev.inference.nemotron.pod.engine.ForwardPassFactory.Backend;
import dev.inference.nemotron.pod.engine.KvCache;
import dev.inference.nemotron.pod.engine.KvDtype;
import dev.inference.nemotron.pod.engine.KvPool;
import dev.inference.nemotron.pod.fetch.CompletionMarker;
import dev.inference.nemotron.pod.model.QuantizationPlan;
import dev.inference.nemotron.pod.serve.api.OpenAiRequests;
import dev.inference.nemotron.pod.serve.config.ConfigWatcher;
import dev.inference.nemotron.pod.serve.config.InvalidConfigException;
import dev.inference.nemotron.pod.serve.config.RuntimeConfig;
import dev.inference.nemotron.pod.serve.config.ServerSettings;
import dev.inference.nemotron.pod.serve.config.Tenants;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

/**
 * {@code ndd serve} assembled: the HTTP server comes up first (live, not ready), then the weights
 * load (after waiting for a download's {@code .complete} marker when the model comes from a
 * download), the scheduler starts, one warm-up request per mode runs (the JIT warms up before the
 * first client, not during it), and only then does {@code /health/ready} turn green. A changed
 * configuration file applies live (tenants, mode mix); {@link #drain} stops admission and lets
 * in-flight requests finish.
 */
public final class InferenceServer implements AutoCloseable {
  private final RuntimeConfig config;
  private final PrintStream log;
  private final ServingMetrics metrics = new ServingMetrics();
  private final AtomicReference<ServingPolicy> policy = new AtomicReference<>();
  private ModelRuntime runtime;
  private Scheduler scheduler;
  private OpenAiServer http;
  private ConfigWatcher watcher;
  private int port;

  public InferenceServer(RuntimeConfig config, PrintStream log) {
    this.config = config;
    this.log = log;
    this.policy.set(ConfiguredPolicy.of(config));
  }

  /**
   * The engine: {@code ndd.backend} (ndd serve --backend) when set, else the CPU for runtime.yaml's
   * {@code device.class: CPU} and {@code auto} for a GPU class (a pod without a usable GPU then
   * falls back to the CPU and says why in its log).
   */
  static Backend backend(RuntimeConfig config) {
    String property = System.getProperty(ForwardPassFactory.PROPERTY);
    if (property != null) {
      return Backend.parse(property);
    }
    return config.device().isCpu() ? Backend.CPU : Backend.AUTO;
  }

  /**
   * Starts everything and returns once ready.
   *
   * @param configFile the file to watch for live changes; null for none
   * @param localize what was done to the file's content to get this server's configuration
   *     (overrides, pod paths), done again to every new version of the file
   * @return the HTTP port
   */
  public int start(Path configFile, UnaryOperator<RuntimeConfig> localize) throws Exception {
    ServerSettings s = config.server();
    Path modelDir = config.model().path();
    // The HTTP port answers liveness while the model loads; readiness waits for the warm-up.
    http =
        new OpenAiServer(
            metrics,
            policy::get,
            servedModelName(),
            new OpenAiServer.Settings(
                s.maxBodyBytes(), s.requestTimeoutSeconds(), OpenAiRequests.Limits.DEFAULTS));
    port = http.start(s.host(), s.port());
    log.printf(Locale.ROOT, "ndd serve: listening on %s:%d (not ready: loading)%n", s.host(), port);
    if (config.model().source().isPresent()
        && !CompletionMarker.isComplete(modelDir)
        && !Files.isRegularFile(modelDir.resolve("config.json"))) {
      log.println("ndd serve: waiting for the weights in " + modelDir + " (.complete marker)");
      CompletionMarker.await(modelDir, Duration.ofHours(6), log::println);
    }
    long t0 = System.nanoTime();
    runtime =
        ModelRuntime.load(
            modelDir,
            config.model().draftAdapterDir().map(Path::toString),
            config.maxContextLength(),
            QuantizationPlan.parse(config.quantization().yamlName()),
            backend(config));
    KvDtype kvDtype = KvDtype.fromSystemProperties();
    KvPool pool = new KvPool(poolPositions(kvDtype), kvDtype);
    scheduler =
        new Scheduler(
                runtime.model(),
                pool,
                new Scheduler.Settings(
                    s.maxBatchRows(),
                    s.maxQueuedRequests(),
                    config.maxConcurrentSequences(),
                    s.prefillChunk()),
                metrics)
            .start();
    http.attach(runtime, scheduler);
    warmUp();
    log.printf(
        Locale.ROOT,
        "ndd serve: model %s loaded and warmed up in %.1f s; KV pool %d positions (%.0f MiB, %s);"
            + " ready%n",
        servedModelName(),
        (System.nanoTime() - t0) / 1e9,
        pool.capacity(),
        pool.capacity() * (double) bytesPerPosition(kvDtype) / (1 << 20),
        kvDtype.name().toLowerCase(Locale.ROOT));
    http.markReady();
    if (configFile != null) {
      watcher =
          new ConfigWatcher(
              configFile,
              config,
              ((ConfiguredPolicy) policy.get()).tenants(),
              Duration.ofSeconds(5),
              new ConfigWatcher.Listener() {
                @Override
                public void configChanged(RuntimeConfig live, Tenants tenants) {
                  policy.set(ConfiguredPolicy.of(live, tenants));
                  log.println(
                      "ndd serve: configuration reloaded: mode mix and "
                          + tenants.configs().size()
                          + " tenants apply to new requests");
                }

                @Override
                public void restartNeeded(List<String> keys) {
                  log.println(
                      "ndd serve: "
                          + String.join(", ", keys)
                          + " changed in "
                          + configFile
                          + "; that applies at the next start (the operator rolls the pods)");
                }

                @Override
                public void rejected(InvalidConfigException error) {
                  log.println(
                      "ndd serve: the changed configuration is invalid, keeping the running one: "
                          + error.getMessage());
                }
              },
              localize);
      watcher.start();
    }
    return port;
  }

  /** The HTTP port. */
  public int port() {
    return port;
  }

  /** The model name clients send: {@code model.servedName}, else the directory's name. */
  public String servedModelName() {
    return config.model().name();
  }

  /** The meters (tests read them). */
  public ServingMetrics metrics() {
    return metrics;
  }

  /**
   * KV positions for every sequence to reach the full context, bounded by a quarter of the heap:
   * the pool is the budget admission checks, memory is taken only as sequences grow.
   */
  private long poolPositions(KvDtype dtype) {
    long wanted = (long) config.maxConcurrentSequences() * (runtime.contextLength() + 1056);
    long budget = Runtime.getRuntime().maxMemory() / 4 / bytesPerPosition(dtype);
    return Math.max(1, Math.min(wanted, budget));
  }

  /** KV bytes of one position: every layer's K and V in the cache's dtype. */
  private long bytesPerPosition(KvDtype dtype) {
    return runtime.kvBytesPerPosition() / Float.BYTES * dtype.bytes();
  }

  /** A few short requests in every mode, alone: compiles the hot paths before the first client. */
  private void warmUp() {
    int[] prompt = new int[16];
    for (int i = 0; i < prompt.length; i++) {
      prompt[i] = (i * 7 + 1) % runtime.config().vocabSize();
      if (prompt[i] == runtime.config().maskTokenId()) {
        prompt[i]++;
      }
    }
    for (DecodingMode mode : DecodingMode.values()) {
      int block = mode == DecodingMode.QUADRATIC_SPEC ? 4 : 8;
      Decoder decoder = mode.decoder(block, 0.9);
      for (int round = 0; round < 3; round++) {
        SamplingParams params = SamplingParams.greedy(12);
        KvCache cache = runtime.model().newCache(decoder.cacheCapacity(prompt.length, 12));
        decoder.decode(
            runtime.model(), cache, new DecodeRequest(prompt, params, null, TokenListener.NONE));
        cache.release();
      }
    }
  }

  /** Stops admission and waits up to the drain period for in-flight work; returns whether idle. */
  public boolean drain() throws InterruptedException {
    if (http != null) {
      http.startDraining();
    }
    if (scheduler == null) {
      return true;
    }
    boolean idle = scheduler.awaitIdle(config.server().drainSeconds() * 1000L);
    log.println(
        idle
            ? "ndd serve: drained; every in-flight request finished"
            : "ndd serve: drain period of " + config.server().drainSeconds() + " s ran out");
    return idle;
  }

  @Override
  public void close() {
    if (watcher != null) {
      watcher.close();
    }
    if (scheduler != null) {
      scheduler.close();
    }
    if (http != null) {
      http.close();
    }
    if (runtime != null) {
      runtime.close();
    }
  }
}
