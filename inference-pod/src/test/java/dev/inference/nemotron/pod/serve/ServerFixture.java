package dev.inference.nemotron.pod.serve;

import dev.inference.nemotron.pod.decode.DecodingMode;
import dev.inference.nemotron.pod.engine.KvPool;
import dev.inference.nemotron.pod.model.DType;
import dev.inference.nemotron.pod.model.TinyCheckpoint;
import dev.inference.nemotron.pod.model.TinyCheckpointSpec;
import dev.inference.nemotron.pod.serve.api.OpenAiRequests;
import dev.inference.nemotron.pod.serve.config.RequestMode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * A real {@code OpenAiServer} on loopback over a generated tiny checkpoint (real safetensors, real
 * tokenizer files), the real scheduler and CPU engine; a fixed policy stands in for runtime.yaml
 * (its parsing has its own tests). Closing it stops the server, the scheduler and the model.
 */
public final class ServerFixture implements AutoCloseable {
  public static final String MODEL = "tiny-chat";

  final ModelRuntime runtime;
  final KvPool pool;
  final Scheduler scheduler;
  public final ServingMetrics metrics = new ServingMetrics();
  final OpenAiServer server;
  final int port;
  final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();

  /** A policy: every request without a mode runs {@code mode}; tenants by key. */
  public record Policy(RequestMode mode, Map<String, Tenant> keys) implements ServingPolicy {
    @Override
    public RequestMode chooseMode(String requestId) {
      return mode;
    }

    @Override
    public DecodingMode decodingMode(RequestMode m) {
      return switch (m) {
        case AUTOREGRESSIVE -> DecodingMode.AUTOREGRESSIVE;
        case DIFFUSION -> DecodingMode.DIFFUSION;
        case SELF_SPECULATION -> DecodingMode.LINEAR_SPEC;
      };
    }

    @Override
    public int blockSize(RequestMode m) {
      return m == RequestMode.AUTOREGRESSIVE ? 1 : 8;
    }

    @Override
    public double diffusionThreshold() {
      return 0.9;
    }

    @Override
    public boolean open() {
      return keys.isEmpty();
    }

    @Override
    public Optional<Tenant> authenticate(String apiKey) {
      return Optional.ofNullable(keys.get(apiKey));
    }
  }

  /** Starts the server; whatever started is stopped again when a later step fails. */
  public ServerFixture(Path root, Policy policy, Scheduler.Settings settings, long maxBodyBytes)
      throws Exception {
    Path dir = root.resolve(MODEL);
    if (!dir.resolve("config.json").toFile().exists()) {
      TinyCheckpoint.write(
          new TinyCheckpointSpec(32, 2, 64, 4, 2, 16, 512, DType.BF16, 5, 64, 10000, 4, 1, 4, null),
          dir);
    }
    runtime = ModelRuntime.load(dir, Optional.empty(), 0);
    pool = new KvPool(50_000);
    scheduler = new Scheduler(runtime.model(), pool, settings, metrics).start();
    server =
        new OpenAiServer(
            metrics,
            () -> policy,
            MODEL,
            new OpenAiServer.Settings(maxBodyBytes, 60, OpenAiRequests.Limits.DEFAULTS));
    try {
      port = server.start("127.0.0.1", 0);
    } catch (Exception | Error e) {
      close();
      throw e;
    }
    server.attach(runtime, scheduler);
    server.markReady();
  }

  /** An open server (every request without a mode autoregressive) with room for 32 streams. */
  public static ServerFixture open(Path root) throws Exception {
    return new ServerFixture(
        root,
        new Policy(RequestMode.AUTOREGRESSIVE, Map.of()),
        new Scheduler.Settings(256, 64, 32, 64),
        1 << 20);
  }

  /** The server's base URL, {@code http://127.0.0.1:PORT}. */
  public String url() {
    return "http://127.0.0.1:" + port;
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  HttpResponse<String> post(String path, String json, String... headers) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri(path))
            .timeout(Duration.ofSeconds(60))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> get(String path) throws Exception {
    return client.send(
        HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Stops the server first, then the scheduler, then the model. */
  @Override
  public void close() {
    server.close();
    scheduler.close();
    runtime.close();
  }
}
