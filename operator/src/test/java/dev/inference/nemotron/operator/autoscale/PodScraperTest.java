package dev.inference.nemotron.operator.autoscale;

import static org.assertj.core.api.Assertions.assertThat;

import dev.inference.nemotron.pod.decode.DecodingMode;
import dev.inference.nemotron.pod.engine.KvPool;
import dev.inference.nemotron.pod.model.TinyCheckpoint;
import dev.inference.nemotron.pod.model.TinyCheckpointSpec;
import dev.inference.nemotron.pod.serve.ModelRuntime;
import dev.inference.nemotron.pod.serve.OpenAiServer;
import dev.inference.nemotron.pod.serve.Scheduler;
import dev.inference.nemotron.pod.serve.ServingMetrics;
import dev.inference.nemotron.pod.serve.ServingPolicy;
import dev.inference.nemotron.pod.serve.api.OpenAiRequests;
import dev.inference.nemotron.pod.serve.config.RequestMode;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scraper against the real runtime server (the inference pod's own classes, on loopback, over a
 * generated checkpoint): two replicas serve requests between two scrapes, the fleet sample shows
 * their rates and TPF per mode; a pod that does not listen is unanswered, not idle.
 */
class PodScraperTest {
  @TempDir Path root;

  /** Every request autoregressive unless it names a mode; no tenants. */
  private static final ServingPolicy OPEN =
      new ServingPolicy() {
        @Override
        public RequestMode chooseMode(String requestId) {
          return RequestMode.AUTOREGRESSIVE;
        }

        @Override
        public DecodingMode decodingMode(RequestMode mode) {
          return mode == RequestMode.SELF_SPECULATION
              ? DecodingMode.LINEAR_SPEC
              : mode == RequestMode.DIFFUSION
                  ? DecodingMode.DIFFUSION
                  : DecodingMode.AUTOREGRESSIVE;
        }

        @Override
        public int blockSize(RequestMode mode) {
          return 8;
        }

        @Override
        public double diffusionThreshold() {
          return 0.9;
        }

        @Override
        public boolean open() {
          return true;
        }

        @Override
        public Optional<Tenant> authenticate(String apiKey) {
          return Optional.empty();
        }
      };

  /** One runtime replica: model, scheduler and HTTP server. */
  private record Replica(ModelRuntime runtime, Scheduler scheduler, OpenAiServer server, int port)
      implements AutoCloseable {
    @Override
    public void close() {
      server.close();
      scheduler.close();
      runtime.close();
    }
  }

  private static Replica start(Path model) throws Exception {
    ModelRuntime runtime = ModelRuntime.load(model, Optional.empty(), 0);
    ServingMetrics metrics = new ServingMetrics();
    Scheduler scheduler =
        new Scheduler(
                runtime.model(),
                new KvPool(20_000),
                new Scheduler.Settings(256, 16, 8, 64),
                metrics)
            .start();
    OpenAiServer server =
        new OpenAiServer(
            metrics,
            () -> OPEN,
            "m",
            new OpenAiServer.Settings(1 << 20, 60, OpenAiRequests.Limits.DEFAULTS));
    int port = server.start("127.0.0.1", 0);
    server.attach(runtime, scheduler);
    server.markReady();
    return new Replica(runtime, scheduler, server, port);
  }

  private static void complete(HttpClient client, int port, String mode, int tokens)
      throws Exception {
    HttpResponse<String> r =
        client.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/completions"))
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"m\",\"prompt\":\"hello\",\"max_tokens\":"
                            + tokens
                            + ",\"ignore_eos\":true,\"temperature\":0,\"mode\":\""
                            + mode
                            + "\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
  }

  @Test
  void scrapesRealRuntimesIntoAFleetSampleAndCountsASilentPodApart() throws Exception {
    Path model = root.resolve("m");
    TinyCheckpoint.write(TinyCheckpointSpec.defaults(), model);
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    int silentPort;
    try (ServerSocket s = new ServerSocket(0)) {
      silentPort = s.getLocalPort(); // closed again: nothing listens there
    }
    try (Replica a = start(model);
        Replica b = start(model)) {
      List<PodScraper.Target> targets = new ArrayList<>();
      targets.add(new PodScraper.Target("a", URI.create("http://127.0.0.1:" + a.port())));
      targets.add(new PodScraper.Target("b", URI.create("http://127.0.0.1:" + b.port())));
      targets.add(new PodScraper.Target("gone", URI.create("http://127.0.0.1:" + silentPort)));
      PodScraper scraper = new PodScraper(client, Duration.ofSeconds(5), 2, Clock.systemUTC());

      PodScraper.Result first = scraper.scrape(targets);
      complete(client, a.port(), "autoregressive", 20);
      complete(client, b.port(), "autoregressive", 20);
      complete(client, b.port(), "self-speculation", 20);
      PodScraper.Result second = scraper.scrape(targets);

      assertThat(second.readings()).containsOnlyKeys("a", "b");
      assertThat(second.unanswered()).containsOnlyKeys("gone");
      FleetSample sample =
          FleetSampler.sample(
              first.readings(),
              second.readings(),
              3,
              0,
              second.unanswered().size(),
              Clock.systemUTC().instant());
      assertThat(sample.readyReplicas()).isEqualTo(2);
      assertThat(sample.staleReplicas()).isEqualTo(1);
      assertThat(sample.tokensPerSecond()).isPositive();
      // AR: one forward per token, the prefill included.
      assertThat(sample.tokensPerForward().get("autoregressive")).isEqualTo(1.0);
      assertThat(sample.tokensPerForward()).containsKey("self-speculation");
      assertThat(sample.p95LatencyMs()).isPositive();
      // the engines' batched forwards and their rows (the cost of a wider forward)
      assertThat(sample.batchedForwardsPerSecond()).isPositive();
      assertThat(sample.rowsPerBatchedForward()).isGreaterThanOrEqualTo(1.0);
      // The law holds on a fleet with a silent pod: never scale down blind.
      ScaleDecision d =
          ControlLaw.decide(
              ScalingHistory.start(3).withSample(sample),
              new ScalingPolicy(
                  1,
                  8,
                  2000,
                  500,
                  1.0,
                  Duration.ofSeconds(180),
                  2.0,
                  Duration.ofSeconds(300),
                  0.8,
                  0.1,
                  Duration.ofSeconds(45),
                  50),
              sample.at());
      assertThat(d.replicas()).isEqualTo(3);
      assertThat(d.reason()).contains("could not be scraped");
    }
  }
}
