package dev.inference.nemotron.operator.autoscale;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * Scrapes the runtime's {@code /metrics/snapshot} of many pods with a bounded number of requests in
 * flight (a thousand pods must not mean a thousand connections or threads: the HTTP client is
 * asynchronous and a semaphore admits {@code maxInFlight} at a time) and a timeout per pod. A pod
 * that does not answer in time, answers an error, or sends something unreadable is reported as
 * unanswered with the reason, never as a pod with zero load.
 */
public final class PodScraper {
  private final HttpClient client;
  private final Duration timeout;
  private final Semaphore permits;
  private final Clock clock;

  /** Where to scrape one pod: its name and its runtime's base URL ({@code http://IP:8080}). */
  public record Target(String pod, URI baseUrl) {}

  /**
   * The scrape of several pods.
   *
   * @param readings the pods that answered, by pod name
   * @param unanswered the pods that did not, with the reason
   */
  public record Result(Map<String, PodReading> readings, Map<String, String> unanswered) {}

  public PodScraper(HttpClient client, Duration timeout, int maxInFlight, Clock clock) {
    if (maxInFlight < 1) {
      throw new IllegalArgumentException("maxInFlight must be >= 1, got " + maxInFlight);
    }
    this.client = client;
    this.timeout = timeout;
    this.permits = new Semaphore(maxInFlight);
    this.clock = clock;
  }

  /** Scrapes every target; returns when each answered or timed out. */
  public Result scrape(List<Target> targets) throws InterruptedException {
    Map<String, PodReading> readings = new ConcurrentHashMap<>();
    Map<String, String> unanswered = new ConcurrentHashMap<>();
    List<CompletableFuture<Void>> pending = new ArrayList<>();
    for (Target t : targets) {
      permits.acquire();
      HttpRequest request =
          HttpRequest.newBuilder(t.baseUrl().resolve("/metrics/snapshot"))
              .timeout(timeout)
              .GET()
              .build();
      pending.add(
          client
              .sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
              .handle(
                  (response, error) -> {
                    try {
                      if (error != null) {
                        unanswered.put(t.pod(), describe(error));
                      } else if (response.statusCode() != 200) {
                        unanswered.put(t.pod(), "HTTP " + response.statusCode());
                      } else {
                        readings.put(
                            t.pod(),
                            RuntimeSnapshot.read(response.body(), t.pod(), clock.instant()));
                      }
                    } catch (IOException | RuntimeException e) {
                      unanswered.put(t.pod(), e.getMessage());
                    } finally {
                      permits.release();
                    }
                    return null;
                  }));
    }
    CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).join();
    return new Result(Map.copyOf(readings), Map.copyOf(unanswered));
  }

  private static String describe(Throwable error) {
    Throwable cause = error.getCause() != null ? error.getCause() : error;
    String message = cause.getMessage();
    return cause.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }
}
