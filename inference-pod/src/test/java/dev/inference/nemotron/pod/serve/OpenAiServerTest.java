package dev.inference.nemotron.pod.serve;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.inference.nemotron.pod.serve.config.RequestMode;
import java.io.InputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The HTTP API of {@code ndd serve} through a real HTTP client on loopback, streaming and not. */
class OpenAiServerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path root;
  private static ServerFixture fixture;

  @BeforeAll
  static void start() throws Exception {
    fixture = ServerFixture.open(root);
  }

  @AfterAll
  static void stop() {
    fixture.close();
  }

  private static String completion(String extra) {
    return "{\"model\":\"tiny-chat\",\"prompt\":\"Hello there\",\"max_tokens\":12,\"temperature\":0"
        + extra
        + "}";
  }

  @Test
  void listsTheServedModel() throws Exception {
    HttpResponse<String> r = fixture.get("/v1/models");
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode body = JSON.readTree(r.body());
    assertThat(body.get("object").asText()).isEqualTo("list");
    assertThat(body.get("data").get(0).get("id").asText()).isEqualTo("tiny-chat");
    assertThat(fixture.get("/v1/models/tiny-chat").statusCode()).isEqualTo(200);
    assertThat(fixture.get("/v1/models/other").statusCode()).isEqualTo(404);
  }

  @Test
  void completesWithUsageAndAFinishReason() throws Exception {
    HttpResponse<String> r = fixture.post("/v1/completions", completion(",\"ignore_eos\":true"));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode body = JSON.readTree(r.body());
    assertThat(body.get("object").asText()).isEqualTo("text_completion");
    assertThat(body.get("id").asText()).startsWith("cmpl-");
    JsonNode choice = body.get("choices").get(0);
    assertThat(choice.get("finish_reason").asText()).isEqualTo("length");
    assertThat(body.get("usage").get("completion_tokens").asInt()).isEqualTo(12);
    assertThat(body.get("usage").get("prompt_tokens").asInt())
        .isEqualTo(fixture.runtime.tokenizer().encode("Hello there").length);
    assertThat(body.get("usage").get("total_tokens").asInt())
        .isEqualTo(body.get("usage").get("prompt_tokens").asInt() + 12);
    assertThat(choice.get("text").asText())
        .isEqualTo(
            fixture
                .runtime
                .tokenizer()
                .decode(greedyIds("Hello there", 12, "autoregressive"), true));
  }

  /** The ids greedy decoding gives, through the server's non-streaming path. */
  private static int[] greedyIds(String prompt, int tokens, String mode) throws Exception {
    // The prompt's own token ids make the server return them unchanged: decode(ids) is compared.
    HttpResponse<String> r =
        fixture.post(
            "/v1/completions",
            "{\"model\":\"tiny-chat\",\"prompt\":"
                + JSON.writeValueAsString(fixture.runtime.tokenizer().encode(prompt))
                + ",\"max_tokens\":"
                + tokens
                + ",\"temperature\":0,\"ignore_eos\":true,\"mode\":\""
                + mode
                + "\"}");
    String text = JSON.readTree(r.body()).get("choices").get(0).get("text").asText();
    return fixture.runtime.tokenizer().encode(text);
  }

  @Test
  void everyModeGivesTheSameGreedyTextOverHttpAndStreamsTheSameText() throws Exception {
    String ar = null;
    for (String mode : List.of("autoregressive", "self-speculation")) {
      String body = completion(",\"ignore_eos\":true,\"mode\":\"" + mode + "\"");
      String plain =
          JSON.readTree(fixture.post("/v1/completions", body).body())
              .get("choices")
              .get(0)
              .get("text")
              .asText();
      String streamed =
          streamedText(
              fixture.post(
                  "/v1/completions", body.substring(0, body.length() - 1) + ",\"stream\":true}"),
              false);
      assertThat(streamed).as(mode).isEqualTo(plain);
      if (ar == null) {
        ar = plain;
      } else {
        // Self-speculation is lossless at temperature 0.
        assertThat(plain).as(mode).isEqualTo(ar);
      }
    }
  }

  @Test
  void diffusionStreamsABlockAtATime() throws Exception {
    HttpResponse<String> r =
        fixture.post(
            "/v1/completions",
            completion(",\"ignore_eos\":true,\"mode\":\"diffusion\",\"stream\":true"));
    assertThat(r.statusCode()).isEqualTo(200);
    List<JsonNode> chunks = events(r.body());
    // 12 tokens in blocks of 8: the text arrives in at most a few chunks, not one per token.
    long withText =
        chunks.stream()
            .filter(c -> c.has("choices") && !c.get("choices").isEmpty())
            .filter(c -> !c.get("choices").get(0).get("text").asText().isEmpty())
            .count();
    assertThat(withText).isBetween(1L, 3L);
  }

  @Test
  void streamsAChatWithRoleFirstUsageLastAndDone() throws Exception {
    HttpResponse<String> r =
        fixture.post(
            "/v1/chat/completions",
            "{\"model\":\"tiny-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],"
                + "\"max_tokens\":10,\"temperature\":0,\"ignore_eos\":true,\"stream\":true,"
                + "\"stream_options\":{\"include_usage\":true}}");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
    assertThat(r.body()).endsWith("data: [DONE]\n\n");
    List<JsonNode> chunks = events(r.body());
    assertThat(chunks.get(0).get("object").asText()).isEqualTo("chat.completion.chunk");
    assertThat(chunks.get(0).get("choices").get(0).get("delta").get("role").asText())
        .isEqualTo("assistant");
    JsonNode last = chunks.get(chunks.size() - 1);
    assertThat(last.get("choices")).isEmpty();
    assertThat(last.get("usage").get("completion_tokens").asInt()).isEqualTo(10);
    JsonNode finish = chunks.get(chunks.size() - 2).get("choices").get(0);
    assertThat(finish.get("finish_reason").asText()).isEqualTo("length");
  }

  @Test
  void nChoicesWithASeedAreReproducible() throws Exception {
    String body =
        "{\"model\":\"tiny-chat\",\"prompt\":\"abc\",\"max_tokens\":8,\"temperature\":1.0,"
            + "\"seed\":42,\"n\":3,\"ignore_eos\":true}";
    JsonNode first = JSON.readTree(fixture.post("/v1/completions", body).body());
    JsonNode second = JSON.readTree(fixture.post("/v1/completions", body).body());
    assertThat(first.get("choices")).hasSize(3);
    for (int i = 0; i < 3; i++) {
      assertThat(first.get("choices").get(i).get("index").asInt()).isEqualTo(i);
      assertThat(second.get("choices").get(i).get("text").asText())
          .isEqualTo(first.get("choices").get(i).get("text").asText());
    }
    assertThat(first.get("usage").get("completion_tokens").asInt()).isEqualTo(24);
  }

  static Stream<Arguments> badRequests() {
    return Stream.of(
        Arguments.of("/v1/completions", "{not json", 400, null, "JSON"),
        Arguments.of("/v1/completions", "[]", 400, null, "object"),
        Arguments.of("/v1/completions", "{\"prompt\":\"x\"}", 400, "model", "model"),
        Arguments.of(
            "/v1/completions", "{\"model\":\"nope\",\"prompt\":\"x\"}", 404, "model", "nope"),
        Arguments.of(
            "/v1/completions", "{\"model\":\"tiny-chat\",\"prompt\":\"\"}", 400, "prompt", "empty"),
        Arguments.of(
            "/v1/completions",
            "{\"model\":\"tiny-chat\",\"prompt\":\"x\",\"max_tokens\":\"ten\"}",
            400,
            "max_tokens",
            "integer"),
        Arguments.of(
            "/v1/completions",
            "{\"model\":\"tiny-chat\",\"prompt\":\"x\",\"max_tokens\":100000}",
            400,
            "max_tokens",
            "context"),
        Arguments.of(
            "/v1/completions",
            "{\"model\":\"tiny-chat\",\"prompt\":\"x\",\"temperature\":7}",
            400,
            "temperature",
            "temperature"),
        Arguments.of(
            "/v1/completions",
            "{\"model\":\"tiny-chat\",\"prompt\":\"x\",\"mode\":\"telepathy\"}",
            400,
            "mode",
            "self-speculation"),
        Arguments.of(
            "/v1/completions",
            "{\"model\":\"tiny-chat\",\"prompt\":[99999]}",
            400,
            "prompt",
            "vocabulary"),
        Arguments.of(
            "/v1/chat/completions",
            "{\"model\":\"tiny-chat\",\"messages\":[]}",
            400,
            "messages",
            "messages"),
        Arguments.of(
            "/v1/chat/completions",
            "{\"model\":\"tiny-chat\",\"messages\":[{\"role\":\"wizard\",\"content\":\"x\"}]}",
            400,
            "messages[0].role",
            "role"));
  }

  @ParameterizedTest
  @MethodSource("badRequests")
  void badRequestsGetAnOpenAiErrorNamingTheField(
      String path, String body, int status, String param, String fragment) throws Exception {
    HttpResponse<String> r = fixture.post(path, body);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    JsonNode error = JSON.readTree(r.body()).get("error");
    assertThat(error.get("message").asText()).containsIgnoringCase(fragment);
    assertThat(error.get("type").asText()).isNotBlank();
    if (param != null) {
      assertThat(error.get("param").asText()).isEqualTo(param);
    }
  }

  @Test
  void wrongMethodsAndPathsAreJsonErrors() throws Exception {
    HttpResponse<String> get = fixture.get("/v1/completions");
    assertThat(get.statusCode()).isEqualTo(405);
    assertThat(JSON.readTree(get.body()).get("error").get("message").asText()).isNotBlank();
    HttpResponse<String> missing = fixture.get("/v2/nothing");
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(JSON.readTree(missing.body()).get("error")).isNotNull();
  }

  @Test
  void aBodyOverTheLimitIsRefusedBeforeItIsRead() throws Exception {
    String huge = "{\"model\":\"tiny-chat\",\"prompt\":\"" + "a".repeat(2 << 20) + "\"}";
    HttpResponse<String> r = fixture.post("/v1/completions", huge);
    assertThat(r.statusCode()).isEqualTo(413);
    assertThat(JSON.readTree(r.body()).get("error").get("message").asText()).contains("1048576");
  }

  @Test
  void probesAndMetricsAnswer() throws Exception {
    assertThat(fixture.get("/health/live").statusCode()).isEqualTo(200);
    assertThat(fixture.get("/health/ready").statusCode()).isEqualTo(200);
    fixture.post(
        "/v1/completions", completion(",\"ignore_eos\":true,\"mode\":\"self-speculation\""));
    HttpResponse<String> m = fixture.get("/metrics");
    assertThat(m.statusCode()).isEqualTo(200);
    assertThat(m.body())
        .contains("ndd_forward_passes_total{mode=\"self-speculation\",variant=\"linear\"}")
        .contains("ndd_generated_tokens_total{mode=\"self-speculation\",variant=\"linear\"}")
        .contains("ndd_time_to_first_token_seconds_bucket")
        .contains("ndd_inter_token_latency_seconds_bucket")
        .contains("ndd_request_duration_seconds_bucket")
        .contains("ndd_queue_depth")
        .contains("ndd_active_sequences")
        .contains("ndd_kv_cache_used_ratio")
        .contains("ndd_batch_rows")
        .contains("ndd_spec_draft_tokens_total")
        .contains("ndd_tenant_requests_total{outcome=\"accepted\",tenant=\"default\"}");
  }

  /** The value of one Prometheus sample line {@code name{labels} value}, 0 when absent. */
  static double sample(String scrape, String nameAndLabels) {
    for (String line : scrape.split("\n")) {
      if (line.startsWith(nameAndLabels + " ")) {
        return Double.parseDouble(line.substring(nameAndLabels.length() + 1).trim());
      }
    }
    return 0;
  }

  @Test
  void tokensPerForwardPerModeMoveWithTheRequestsOfThatMode() throws Exception {
    String ar = "{mode=\"autoregressive\",variant=\"none\"}";
    String spec = "{mode=\"self-speculation\",variant=\"linear\"}";
    String before = fixture.metrics.scrape();
    fixture.post("/v1/completions", completion(",\"ignore_eos\":true,\"mode\":\"autoregressive\""));
    String middle = fixture.metrics.scrape();
    double arForwards =
        sample(middle, "ndd_forward_passes_total" + ar)
            - sample(before, "ndd_forward_passes_total" + ar);
    double arTokens =
        sample(middle, "ndd_generated_tokens_total" + ar)
            - sample(before, "ndd_generated_tokens_total" + ar);
    // AR: one forward per token, the prefill included (MODEL.md §6): TPF exactly 1.
    assertThat(arTokens).isEqualTo(12);
    assertThat(arForwards).isEqualTo(12);
    fixture.post(
        "/v1/completions", completion(",\"ignore_eos\":true,\"mode\":\"self-speculation\""));
    String after = fixture.metrics.scrape();
    double specForwards =
        sample(after, "ndd_forward_passes_total" + spec)
            - sample(middle, "ndd_forward_passes_total" + spec);
    double specTokens =
        sample(after, "ndd_generated_tokens_total" + spec)
            - sample(middle, "ndd_generated_tokens_total" + spec);
    assertThat(specTokens).isEqualTo(12);
    // Self-speculation: a prefill, then two forwards per round of 1..8 tokens.
    assertThat(specForwards).isBetween(1 + 2 * Math.ceil(11 / 8.0), 1 + 2 * 11.0);
    assertThat(sample(after, "ndd_forward_passes_total" + ar))
        .isEqualTo(sample(middle, "ndd_forward_passes_total" + ar));
    assertThat(sample(after, "ndd_spec_draft_tokens_total" + spec))
        .isGreaterThan(sample(middle, "ndd_spec_draft_tokens_total" + spec));
  }

  @Test
  void theJsonSnapshotReadsTheSameMetersAsThePrometheusScrape() throws Exception {
    fixture.post("/v1/completions", completion(",\"ignore_eos\":true,\"mode\":\"autoregressive\""));
    // Nothing runs between the two reads: the fixture's requests are all answered.
    String scrape = fixture.get("/metrics").body();
    JsonNode snapshot = JSON.readTree(fixture.get("/metrics/snapshot").body());
    String ar = "{mode=\"autoregressive\",variant=\"none\"}";
    JsonNode tokens = null;
    for (JsonNode e : snapshot.get("counters").get("ndd_generated_tokens")) {
      if (e.get("tags").get("mode").asText().equals("autoregressive")) {
        tokens = e;
      }
    }
    assertThat(tokens).isNotNull();
    assertThat(tokens.get("value").asDouble())
        .isEqualTo(sample(scrape, "ndd_generated_tokens_total" + ar))
        .isPositive();
    JsonNode duration = null;
    for (JsonNode e : snapshot.get("histograms").get("ndd_request_duration")) {
      if (e.get("tags").get("mode").asText().equals("autoregressive")) {
        duration = e;
      }
    }
    assertThat(duration).isNotNull();
    JsonNode buckets = duration.get("buckets");
    assertThat(buckets.get(buckets.size() - 1).get("le").asText()).isEqualTo("+Inf");
    for (JsonNode b : buckets) {
      String le = b.get("le").isTextual() ? "+Inf" : String.valueOf(b.get("le").asDouble());
      assertThat(b.get("count").asDouble())
          .as("bucket le=%s", le)
          .isEqualTo(
              sample(
                  scrape,
                  "ndd_request_duration_seconds_bucket{mode=\"autoregressive\",variant=\"none\",le=\""
                      + le
                      + "\"}"));
    }
    assertThat(snapshot.get("gauges").get("ndd_queue_depth").get(0).get("value").asDouble())
        .isZero();
  }

  @Test
  void drainingTurnsReadinessRedRefusesNewRequestsAndFinishesInFlightOnes() throws Exception {
    try (ServerFixture own = ServerFixture.open(root)) {
      CompletableFuture<HttpResponse<String>> inFlight =
          own.client.sendAsync(
              HttpRequest.newBuilder(own.uri("/v1/completions"))
                  .header("Content-Type", "application/json")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "{\"model\":\"tiny-chat\",\"prompt\":\"q\",\"max_tokens\":120,"
                              + "\"ignore_eos\":true}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (own.scheduler.active() == 0 && System.nanoTime() < end) {
        Thread.sleep(2);
      }
      own.server.startDraining();
      assertThat(own.get("/health/ready").statusCode()).isEqualTo(503);
      assertThat(own.get("/health/live").statusCode()).isEqualTo(200);
      HttpResponse<String> refused = own.post("/v1/completions", completion(""));
      assertThat(refused.statusCode()).isEqualTo(503);
      assertThat(refused.headers().firstValue("Retry-After")).isPresent();
      assertThat(own.scheduler.awaitIdle(30_000)).isTrue();
      HttpResponse<String> finished = inFlight.get(30, TimeUnit.SECONDS);
      assertThat(finished.statusCode()).isEqualTo(200);
      assertThat(JSON.readTree(finished.body()).get("usage").get("completion_tokens").asInt())
          .isEqualTo(120);
    }
  }

  @Test
  void aClientThatDisconnectsCancelsItsSequence() throws Exception {
    String body =
        "{\"model\":\"tiny-chat\",\"prompt\":\"x\",\"max_tokens\":200,\"ignore_eos\":true,"
            + "\"temperature\":0,\"stream\":true}";
    try (Socket socket = new Socket("127.0.0.1", fixture.port)) {
      socket
          .getOutputStream()
          .write(
              ("POST /v1/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                      + "Content-Length: "
                      + body.length()
                      + "\r\n\r\n"
                      + body)
                  .getBytes(StandardCharsets.UTF_8));
      InputStream in = socket.getInputStream();
      byte[] buffer = new byte[256];
      assertThat(in.read(buffer)).isPositive(); // the stream started
    }
    // The socket is closed: the sequence must stop long before its 200 tokens.
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (fixture.scheduler.active() > 0 && System.nanoTime() < end) {
      Thread.sleep(20);
    }
    assertThat(fixture.scheduler.active()).isZero();
    assertThat(fixture.pool.reserved()).isZero();
    assertThat(fixture.metrics.scrape())
        .containsPattern("ndd_tenant_requests_total\\{outcome=\"accepted\",tenant=\"default\"\\}");
  }

  @Test
  void thirtyTwoConcurrentStreamsAllCompleteWellFormed() throws Exception {
    List<CompletableFuture<HttpResponse<String>>> futures = new ArrayList<>();
    for (int i = 0; i < 32; i++) {
      String mode = List.of("autoregressive", "diffusion", "self-speculation").get(i % 3);
      String body =
          "{\"model\":\"tiny-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"hi "
              + i
              + "\"}],\"max_tokens\":16,\"ignore_eos\":true,\"seed\":"
              + i
              + ",\"stream\":true,\"mode\":\""
              + mode
              + "\"}";
      futures.add(
          fixture.client.sendAsync(
              HttpRequest.newBuilder(fixture.uri("/v1/chat/completions"))
                  .timeout(Duration.ofSeconds(120))
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(body))
                  .build(),
              HttpResponse.BodyHandlers.ofString()));
    }
    for (CompletableFuture<HttpResponse<String>> f : futures) {
      HttpResponse<String> r = f.get(180, TimeUnit.SECONDS);
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      assertThat(r.body()).endsWith("data: [DONE]\n\n");
      List<JsonNode> chunks = events(r.body());
      String id = chunks.get(0).get("id").asText();
      assertThat(chunks).allSatisfy(c -> assertThat(c.get("id").asText()).isEqualTo(id));
      assertThat(chunks.get(chunks.size() - 1).get("choices").get(0).get("finish_reason").asText())
          .isEqualTo("length");
    }
  }

  @Test
  void pastTheQueueLimitClientsGet429WithRetryAfter(@TempDir Path own) throws Exception {
    try (ServerFixture small =
        new ServerFixture(
            root,
            new ServerFixture.Policy(RequestMode.AUTOREGRESSIVE, Map.of()),
            new Scheduler.Settings(64, 2, 1, 64),
            1 << 20)) {
      List<CompletableFuture<HttpResponse<String>>> futures = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        futures.add(
            small.client.sendAsync(
                HttpRequest.newBuilder(small.uri("/v1/completions"))
                    .header("Content-Type", "application/json")
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            "{\"model\":\"tiny-chat\",\"prompt\":\"q\",\"max_tokens\":40,"
                                + "\"ignore_eos\":true}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString()));
      }
      int ok = 0;
      int refused = 0;
      for (CompletableFuture<HttpResponse<String>> f : futures) {
        HttpResponse<String> r = f.get(120, TimeUnit.SECONDS);
        if (r.statusCode() == 200) {
          ok++;
        } else {
          assertThat(r.statusCode()).isEqualTo(429);
          assertThat(r.headers().firstValue("Retry-After")).isPresent();
          assertThat(JSON.readTree(r.body()).get("error").get("type").asText())
              .isEqualTo("rate_limit_error");
          refused++;
        }
      }
      assertThat(ok).isGreaterThanOrEqualTo(3); // one running + two queued at least
      assertThat(refused).isPositive();
      assertThat(ok + refused).isEqualTo(12);
    }
  }

  @Test
  void tenantsNeedTheirKeyAndAreCountedApart(@TempDir Path own) throws Exception {
    ServingPolicy.Tenant search = new ServingPolicy.Tenant("search", 2, 4, null);
    try (ServerFixture secured =
        new ServerFixture(
            root,
            new ServerFixture.Policy(RequestMode.AUTOREGRESSIVE, Map.of("s3cret-key", search)),
            new Scheduler.Settings(64, 8, 8, 64),
            1 << 20)) {
      String body = "{\"model\":\"tiny-chat\",\"prompt\":\"q\",\"max_tokens\":4}";
      HttpResponse<String> none = secured.post("/v1/completions", body);
      assertThat(none.statusCode()).isEqualTo(401);
      assertThat(JSON.readTree(none.body()).get("error").get("type").asText())
          .isEqualTo("authentication_error");
      HttpResponse<String> wrong =
          secured.post("/v1/completions", body, "Authorization", "Bearer nope");
      assertThat(wrong.statusCode()).isEqualTo(401);
      assertThat(wrong.body()).doesNotContain("s3cret-key");
      HttpResponse<String> right =
          secured.post("/v1/completions", body, "Authorization", "Bearer s3cret-key");
      assertThat(right.statusCode()).as(right.body()).isEqualTo(200);
      assertThat(secured.metrics.scrape())
          .contains("ndd_tenant_requests_total{outcome=\"accepted\",tenant=\"search\"}")
          .doesNotContain("s3cret-key");
    }
  }

  /** The text of a streamed completion (or chat, {@code chat}), chunks concatenated. */
  static String streamedText(HttpResponse<String> r, boolean chat) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    StringBuilder text = new StringBuilder();
    for (JsonNode c : events(r.body())) {
      if (c.has("choices") && !c.get("choices").isEmpty()) {
        JsonNode choice = c.get("choices").get(0);
        JsonNode piece = chat ? choice.get("delta").get("content") : choice.get("text");
        if (piece != null && !piece.isNull()) {
          text.append(piece.asText());
        }
      }
    }
    return text.toString();
  }

  /** The JSON events of an SSE body, {@code [DONE]} excluded; fails on a malformed line. */
  static List<JsonNode> events(String body) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    for (String block : body.split("\n\n")) {
      if (block.isBlank()) {
        continue;
      }
      assertThat(block).startsWith("data: ");
      String data = block.substring("data: ".length());
      if (!data.equals("[DONE]")) {
        out.add(JSON.readTree(data));
      }
    }
    return out;
  }
}
