package dev.inference.nemotron.pod.load;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Runs a {@link LoadPlan}: the warm-up one request at a time, a {@code /metrics} scrape, each level
 * in turn (its clients are virtual threads that send back to back until the level's requests are
 * all taken), and a second scrape. One HTTP/1.1 client is shared, so a level of c clients holds c
 * connections.
 */
public final class LoadGenerator {
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration SCRAPE_TIMEOUT = Duration.ofSeconds(30);

  private final LoadPlan plan;

  public LoadGenerator(LoadPlan plan) {
    this.plan = plan;
  }

  /**
   * Runs every level; {@code onLevel} sees each as it ends.
   *
   * @throws LoadException when a warm-up request fails: the server, model or key is wrong
   */
  public LoadReport run(Consumer<LevelResult> onLevel) throws InterruptedException {
    try (HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(CONNECT_TIMEOUT)
            .build()) {
      StreamClient client = new StreamClient(http, plan);
      warmUp(client);
      Scrape before = scrape(http);
      List<LevelResult> levels = new ArrayList<>();
      for (int clients : plan.concurrency()) {
        LevelResult level = level(client, clients, plan.requestsAt(clients));
        levels.add(level);
        onLevel.accept(level);
      }
      Scrape after = scrape(http);
      String scrapeError = before.error() != null ? before.error() : after.error();
      ServerFigures server =
          scrapeError == null ? ServerFigures.between(before.samples(), after.samples()) : null;
      return new LoadReport(plan, levels, server, scrapeError);
    }
  }

  private void warmUp(StreamClient client) throws InterruptedException {
    for (int i = 0; i < plan.warmup(); i++) {
      RequestResult r = client.send();
      if (r.outcome() != RequestResult.Outcome.OK) {
        throw new LoadException(
            "warm-up request "
                + (i + 1)
                + " to "
                + plan.resolve(plan.path())
                + " failed: "
                + r.error()
                + " (check --url, --model, --api-key and --mode)");
      }
    }
  }

  /** {@code clients} virtual threads share {@code requests} requests; joined before returning. */
  private static LevelResult level(StreamClient client, int clients, int requests)
      throws InterruptedException {
    RequestResult[] results = new RequestResult[requests];
    AtomicInteger next = new AtomicInteger();
    long start = System.nanoTime();
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int t = 0; t < clients; t++) {
        threads.submit(
            () -> {
              for (int i; (i = next.getAndIncrement()) < requests; ) {
                try {
                  results[i] = client.send();
                } catch (RuntimeException e) {
                  results[i] = RequestResult.failed(0, 0, "the client failed: " + e);
                }
              }
              return null;
            });
      }
    }
    long wall = System.nanoTime() - start;
    if (Thread.interrupted()) {
      throw new InterruptedException("the load run was interrupted");
    }
    return new LevelResult(clients, wall, Arrays.asList(results));
  }

  /** The samples of {@code GET /metrics}, or why there are none. */
  private record Scrape(List<PrometheusText.Sample> samples, String error) {}

  private Scrape scrape(HttpClient http) throws InterruptedException {
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(plan.resolve("/metrics"))
                  .timeout(SCRAPE_TIMEOUT)
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        return new Scrape(List.of(), "GET /metrics answered HTTP " + r.statusCode());
      }
      return new Scrape(PrometheusText.parse(r.body()), null);
    } catch (IOException e) {
      return new Scrape(List.of(), "GET /metrics failed: " + e);
    }
  }
}
