package dev.inference.nemotron.pod.load;

import dev.inference.nemotron.pod.decode.DecodingMode;
import dev.inference.nemotron.pod.engine.KvPool;
import dev.inference.nemotron.pod.model.DType;
import dev.inference.nemotron.pod.model.TinyCheckpoint;
import dev.inference.nemotron.pod.model.TinyCheckpointSpec;
import dev.inference.nemotron.pod.serve.ModelRuntime;
import dev.inference.nemotron.pod.serve.OpenAiServer;
import dev.inference.nemotron.pod.serve.Scheduler;
import dev.inference.nemotron.pod.serve.ServingMetrics;
import dev.inference.nemotron.pod.serve.ServingPolicy;
import dev.inference.nemotron.pod.serve.api.OpenAiRequests;
import dev.inference.nemotron.pod.serve.config.RequestMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A real {@code ndd serve} on loopback, started as the serve tests' {@code ServerFixture} starts
 * it: a generated tiny checkpoint, the real scheduler and CPU engine, a fixed policy. Closing it
 * stops the server, the scheduler and the model; a failed start stops what had started.
 */
final class LoadTestServer implements AutoCloseable {
  static final String MODEL = "tiny-chat";

  private final List<AutoCloseable> started = new ArrayList<>();
  final ServingMetrics metrics = new ServingMetrics();
  final int port;

  /** Every request without a mode runs autoregressive; the server is open unless keys are given. */
  record Policy(Map<String, Tenant> keys) implements ServingPolicy {
    @Override
    public RequestMode chooseMode(String requestId) {
      return RequestMode.AUTOREGRESSIVE;
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

  /**
   * Starts a server over the checkpoint in {@code root} (written there once).
   *
   * @param settings the scheduler: a small {@code maxQueued} makes it answer 429
   */
  LoadTestServer(Path root, Policy policy, Scheduler.Settings settings) throws Exception {
    Path dir = root.resolve(MODEL);
    if (!Files.exists(dir.resolve("config.json"))) {
      TinyCheckpoint.write(
          new TinyCheckpointSpec(32, 2, 64, 4, 2, 16, 512, DType.BF16, 5, 64, 10000, 4, 1, 4, null),
          dir);
    }
    try {
      ModelRuntime runtime = ModelRuntime.load(dir, Optional.empty(), 0);
      started.add(runtime);
      Scheduler scheduler =
          new Scheduler(runtime.model(), new KvPool(50_000), settings, metrics).start();
      started.add(scheduler);
      OpenAiServer server =
          new OpenAiServer(
              metrics,
              () -> policy,
              MODEL,
              new OpenAiServer.Settings(1 << 20, 60, OpenAiRequests.Limits.DEFAULTS));
      started.add(server);
      port = server.start("127.0.0.1", 0);
      server.attach(runtime, scheduler);
      server.markReady();
    } catch (Exception | Error e) {
      close();
      throw e;
    }
  }

  /** An open server with room for 32 concurrent streams. */
  static LoadTestServer open(Path root) throws Exception {
    return new LoadTestServer(root, new Policy(Map.of()), new Scheduler.Settings(256, 64, 32, 64));
  }

  String url() {
    return "http://127.0.0.1:" + port;
  }

  /** Stops the server first, then the scheduler, then the model. */
  @Override
  public void close() {
    IllegalStateException failure = null;
    for (int i = started.size() - 1; i >= 0; i--) {
      try {
        started.get(i).close();
      } catch (Exception e) {
        if (failure == null) {
          failure = new IllegalStateException("stopping the test server", e);
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    started.clear();
    if (failure != null) {
      throw failure;
    }
  }
}
