package dev.inference.nemotron.operator.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The runtime's HTTP API on loopback, as the kubelet's probes and a stock OpenAI client use it.
 *
 * @param port the port the runtime listens on ({@code NDD_POD_PORT})
 */
record RuntimeApi(int port) {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  /** {@code GET path}, with {@code key} as bearer token unless null. */
  HttpResponse<String> get(String path, String key) throws Exception {
    return send(HttpRequest.newBuilder(uri(path)).GET(), key);
  }

  /** A short completion of {@code model}, pinned to {@code mode} unless null. */
  HttpResponse<String> complete(String model, String mode, String key) throws Exception {
    ObjectNode body = JSON.createObjectNode();
    body.put("model", model);
    body.put("prompt", "The operator and the runtime agree on");
    body.put("max_tokens", 8);
    if (mode != null) {
      body.put("mode", mode);
    }
    return send(
        HttpRequest.newBuilder(uri("/v1/completions"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body.toString())),
        key);
  }

  /**
   * Polls {@code path} until it answers 200, while it is not listening yet or answers 503 (live but
   * loading); any other answer, the process's exit or the timeout fails.
   */
  void awaitOk(RuntimeProcess process, String path, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      assertThat(process.isAlive()).as("the runtime runs while %s is not 200", path).isTrue();
      try {
        HttpResponse<String> response = get(path, null);
        if (response.statusCode() == 200) {
          return;
        }
        assertThat(response.statusCode()).as("%s: %s", path, response.body()).isEqualTo(503);
      } catch (IOException e) {
        // not listening yet
      }
      assertThat(System.nanoTime() - deadline)
          .as("%s is 200 within %s", path, timeout)
          .isNegative();
      Thread.sleep(200);
    }
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  private HttpResponse<String> send(HttpRequest.Builder request, String key) throws Exception {
    request.timeout(Duration.ofSeconds(60));
    if (key != null) {
      request.header("Authorization", "Bearer " + key);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
