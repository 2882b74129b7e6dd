package dev.inference.nemotron.pod.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.inference.nemotron.pod.cli.CommandArgs;
import dev.inference.nemotron.pod.cli.LoadCommand;
import dev.inference.nemotron.pod.cli.UsageException;
import dev.inference.nemotron.pod.serve.Scheduler;
import dev.inference.nemotron.pod.serve.ServerFixture;
import dev.inference.nemotron.pod.serve.ServingPolicy;
import dev.inference.nemotron.pod.serve.config.RequestMode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ndd load} end to end against a real {@code ndd serve} on loopback. */
class LoadCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path root;
  private static ServerFixture server;

  @BeforeAll
  static void start() throws Exception {
    server = ServerFixture.open(root);
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  private static String run(Map<String, String> env, String... argv) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      new LoadCommand(env).run(CommandArgs.parse(argv), out);
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void twoLevelsAllSucceedWithThroughputAndLatencyPercentilesAsJson() throws Exception {
    String out =
        run(
            Map.of(),
            "--url",
            server.url(),
            "--model",
            ServerFixture.MODEL,
            "--concurrency",
            "1,4",
            "--max-tokens",
            "16",
            "--warmup",
            "1",
            "--json");

    JsonNode report = JSON.readTree(out);
    assertThat(report.get("url").asText()).isEqualTo(server.url() + "/v1/completions");
    assertThat(report.get("percentiles").asText()).isEqualTo("nearest-rank");
    JsonNode levels = report.get("levels");
    assertThat(levels).hasSize(2);
    int[] clients = {1, 4};
    int[] requests = {4, 8}; // the default: twice the clients, at least 4
    for (int i = 0; i < 2; i++) {
      JsonNode level = levels.get(i);
      assertThat(level.get("concurrency").asInt()).isEqualTo(clients[i]);
      assertThat(level.get("requests").asInt()).isEqualTo(requests[i]);
      assertThat(level.get("ok").asInt()).as(level.toString()).isEqualTo(requests[i]);
      assertThat(level.get("refused").asInt()).isZero();
      assertThat(level.get("failed").asInt()).isZero();
      assertThat(level.get("failures")).isEmpty();
      assertThat(level.get("completion_tokens").asInt()).isEqualTo(16 * requests[i]);
      assertThat(level.get("tokens_per_second").asDouble()).isPositive();
      for (String measure : new String[] {"ttft_ms", "itl_ms", "latency_ms"}) {
        JsonNode spread = level.get(measure);
        assertThat(spread.get("p50").isNumber()).as(measure).isTrue();
        assertThat(spread.get("p50").asDouble()).as(measure).isPositive();
        assertThat(spread.get("p95").asDouble())
            .as(measure)
            .isGreaterThanOrEqualTo(spread.get("p50").asDouble());
      }
      assertThat(level.get("latency_ms").get("p50").asDouble())
          .isGreaterThan(level.get("ttft_ms").get("p50").asDouble());
    }
    assertThat(levels.get(0).get("speedup").asDouble()).isEqualTo(1.0);
    assertThat(levels.get(1).get("speedup").asDouble()).isPositive();
    JsonNode figures = report.get("server");
    assertThat(figures.isObject()).as(report.get("server_error").asText()).isTrue();
    // Autoregressive decoding makes one token per forward; prefill forwards count too.
    assertThat(figures.get("tokens_per_forward").get("autoregressive").asDouble())
        .isGreaterThan(0.5)
        .isLessThanOrEqualTo(1.0);
    assertThat(figures.get("mean_batch_rows").asDouble()).isGreaterThanOrEqualTo(1.0);
  }

  @Test
  void printsATableLineAsEachLevelEndsThenTheServersFigures() throws Exception {
    String out =
        run(
            Map.of(),
            "--url",
            server.url() + "/v1/",
            "--model",
            ServerFixture.MODEL,
            "--concurrency",
            "1,2",
            "--requests-per-level",
            "3",
            "--max-tokens",
            "12",
            "--mode",
            "self-speculation",
            "--chat",
            "--warmup",
            "0");

    String[] lines = out.split("\n");
    assertThat(lines[0])
        .startsWith("ndd load: POST " + server.url() + "/v1/chat/completions")
        .contains("mode self-speculation")
        .contains("max_tokens 12");
    assertThat(lines[1]).contains("clients").contains("TTFT p50/p95 ms").contains("speed-up");
    assertThat(lines[2].trim()).startsWith("1").contains("3/0/0").contains("1.00x");
    assertThat(lines[3].trim()).startsWith("2").contains("3/0/0");
    assertThat(lines[4]).startsWith("server over the levels").contains("self-speculation ");
    assertThat(lines).hasSize(5);
  }

  @Test
  void refusalsAreRetriedAfterRetryAfterAndCounted() throws Exception {
    // One running and one queued: of four clients, two get 429 at once. 160 tokens keep the first
    // two busy long after the other two arrive.
    try (ServerFixture small =
        new ServerFixture(
            root,
            new ServerFixture.Policy(RequestMode.AUTOREGRESSIVE, Map.of()),
            new Scheduler.Settings(64, 1, 1, 64),
            1 << 20)) {
      JsonNode retried =
          JSON.readTree(
              run(
                  Map.of(),
                  "--url",
                  small.url(),
                  "--model",
                  ServerFixture.MODEL,
                  "--concurrency",
                  "4",
                  "--requests-per-level",
                  "4",
                  "--max-tokens",
                  "160",
                  "--warmup",
                  "0",
                  "--retries",
                  "30",
                  "--json"));
      JsonNode level = retried.get("levels").get(0);
      assertThat(level.get("ok").asInt()).as(level.toString()).isEqualTo(4);
      assertThat(level.get("refusals_429").asInt()).isPositive();

      JsonNode refused =
          JSON.readTree(
              run(
                  Map.of(),
                  "--url",
                  small.url(),
                  "--model",
                  ServerFixture.MODEL,
                  "--concurrency",
                  "4",
                  "--requests-per-level",
                  "4",
                  "--max-tokens",
                  "160",
                  "--warmup",
                  "0",
                  "--retries",
                  "0",
                  "--json"));
      level = refused.get("levels").get(0);
      assertThat(level.get("refused").asInt()).as(level.toString()).isPositive();
      assertThat(level.get("ok").asInt() + level.get("refused").asInt()).isEqualTo(4);
      assertThat(level.get("refusals_429").asInt()).isEqualTo(level.get("refused").asInt());
      assertThat(level.get("failures").get(0).get("message").asText()).startsWith("HTTP 429: ");
    }
  }

  @Test
  void sendsTheApiKeyFromTheEnvironment() throws Exception {
    ServingPolicy.Tenant tenant = new ServingPolicy.Tenant("bench", 1, null, null);
    try (ServerFixture secured =
        new ServerFixture(
            root,
            new ServerFixture.Policy(RequestMode.AUTOREGRESSIVE, Map.of("k-123", tenant)),
            new Scheduler.Settings(64, 8, 8, 64),
            1 << 20)) {
      String[] argv = {
        "--url",
        secured.url(),
        "--model",
        ServerFixture.MODEL,
        "--concurrency",
        "1",
        "--max-tokens",
        "4",
        "--warmup",
        "1",
        "--json"
      };

      JsonNode report = JSON.readTree(run(Map.of(LoadCommand.API_KEY_ENV, "k-123"), argv));
      assertThat(report.get("levels").get(0).get("ok").asInt()).isEqualTo(4);
      assertThat(report.toString()).doesNotContain("k-123");

      assertThatThrownBy(() -> run(Map.of(), argv))
          .isInstanceOf(LoadException.class)
          .hasMessageContaining("warm-up request 1")
          .hasMessageContaining("HTTP 401")
          .hasMessageContaining("--api-key");
    }
  }

  @Test
  void aWrongModelFailsTheWarmUpWithTheServersMessage() {
    assertThatThrownBy(
            () ->
                run(
                    Map.of(),
                    "--url",
                    server.url(),
                    "--model",
                    "no-such-model",
                    "--concurrency",
                    "1",
                    "--json"))
        .isInstanceOf(LoadException.class)
        .hasMessageContaining("HTTP 404")
        .hasMessageContaining("no-such-model")
        .hasMessageContaining("--model");
  }

  @Test
  void withoutWarmUpAllFailuresAreReportedThenTheRunFails() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    LoadCommand command = new LoadCommand(Map.of());

    assertThatThrownBy(
            () ->
                command.run(
                    CommandArgs.parse(
                        new String[] {
                          "--url",
                          server.url(),
                          "--model",
                          "nope",
                          "--concurrency",
                          "2",
                          "--warmup",
                          "0"
                        }),
                    out))
        .isInstanceOf(LoadException.class)
        .hasMessageContaining("no request succeeded")
        .hasMessageContaining("HTTP 404");
    assertThat(bytes.toString(StandardCharsets.UTF_8))
        .contains("0/0/4")
        .containsPattern("4x HTTP 404: .*nope");
  }

  @Test
  void aServerThatIsNotThereIsAConnectionFailure() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    String url = "http://127.0.0.1:" + port;
    assertThatThrownBy(
            () -> run(Map.of(), "--url", url, "--model", "m", "--concurrency", "1", "--json"))
        .isInstanceOf(LoadException.class)
        .hasMessageContaining("connection to " + url + "/v1/completions failed");
  }

  @Test
  void badOptionsAreUsageErrorsThatSayWhatToType() {
    String url = "http://127.0.0.1:1";
    assertThatThrownBy(() -> run(Map.of(), "--url", url, "--model", "m"))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("--concurrency");
    assertThatThrownBy(() -> run(Map.of(), "--url", url, "--model", "m", "--concurrency", "1,0"))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining(">= 1");
    assertThatThrownBy(
            () ->
                run(Map.of(), "--url", url, "--model", "m", "--concurrency", "1", "--mode", "fast"))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("autoregressive, diffusion, self-speculation");
    assertThatThrownBy(
            () -> run(Map.of(), "--url", "ftp://x", "--model", "m", "--concurrency", "1"))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("http://HOST:PORT");
    assertThatThrownBy(
            () -> run(Map.of(), "--url", url, "--model", "m", "--concurrency", "1", "--rps", "3"))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("--rps");
    assertThatThrownBy(
            () ->
                run(
                    Map.of(),
                    "--url",
                    url,
                    "--model",
                    "m",
                    "--concurrency",
                    "1",
                    "--requests-per-level",
                    "0"))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("--requests-per-level");
  }
}
