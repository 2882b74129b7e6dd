package dev.inference.nemotron.pod.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.inference.nemotron.pod.decode.DecodeRequest;
import dev.inference.nemotron.pod.decode.DecodingMode;
import dev.inference.nemotron.pod.decode.SamplingParams;
import dev.inference.nemotron.pod.engine.AttentionMask;
import dev.inference.nemotron.pod.engine.Chunk;
import dev.inference.nemotron.pod.engine.ForwardPass;
import dev.inference.nemotron.pod.engine.cpu.CpuForwardPass;
import dev.inference.nemotron.pod.load.PrometheusText;
import dev.inference.nemotron.pod.model.Checkpoint;
import dev.inference.nemotron.pod.model.LayerWeights;
import dev.inference.nemotron.pod.model.ModelWeights;
import dev.inference.nemotron.pod.model.QuantFormat;
import dev.inference.nemotron.pod.model.QuantizationPlan;
import dev.inference.nemotron.pod.model.Tensor;
import dev.inference.nemotron.pod.serve.ServerFixture;
import dev.inference.nemotron.pod.tokenizer.Tokenizer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 11's "done when": checkpoints written by {@code ndd quantize} as int8 and int4 run through
 * {@code ndd generate} in every decoding mode and through the HTTP server in every API mode, with
 * the stored codes loaded as they are (not re-quantized). Everything is real: a generated
 * checkpoint with the qwen3 fixture tokenizer written by {@code ndd tiny-checkpoint}, the quantized
 * copies by {@code ndd quantize}, the CLI commands in-process through {@link Ndd#run}, and the
 * server on loopback (port 0) through a real HTTP client.
 *
 * <p>The copies are quantized in blocks of 64, not the runtime's default of 32: a loader that
 * quantized again at load (from the BF16 original, or from the stored codes) would use blocks of 32
 * and give other logits, so the logits tell which weights ran. (Quantizing again in the stored
 * block size would give the very same codes and logits, so there is nothing else to tell apart.)
 */
class PreQuantizedServingTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int TOKENS = 12;
  private static final int STORED_BLOCK = 64;
  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();

  @TempDir static Path root;
  private static Path bf16;
  private static Tokenizer tokenizer;
  private static int[] prompt;
  private static final Map<QuantFormat, Path> QUANTIZED = new EnumMap<>(QuantFormat.class);
  // Greedy AR ids computed in-process from the stored tensors: what every run must reproduce.
  private static final Map<QuantFormat, int[]> REFERENCE_IDS = new EnumMap<>(QuantFormat.class);
  private static final Map<QuantFormat, int[]> GENERATE_DIFFUSION_IDS =
      new EnumMap<>(QuantFormat.class);
  private static final Map<QuantFormat, int[]> SERVED_DIFFUSION_IDS =
      new EnumMap<>(QuantFormat.class);

  @BeforeAll
  static void writeCheckpoints() throws Exception {
    Path qwen3 =
        Path.of(System.getProperty("ndd.shared.dir", "../../shared"), "fixtures/tokenizers/qwen3");
    assertThat(qwen3.resolve("tokenizer.json")).as("shared tokenizer fixture").isRegularFile();
    bf16 = root.resolve("bf16");
    ok(
        "tiny-checkpoint",
        "--out",
        bf16.toString(),
        "--hidden",
        "64",
        "--layers",
        "2",
        "--intermediate",
        "128",
        "--heads",
        "4",
        "--kv-heads",
        "2",
        "--head-dim",
        "16",
        "--lora-rank",
        "4",
        "--tokenizer",
        qwen3.toString());
    tokenizer = Tokenizer.load(bf16);
    prompt = tokenizer.encode("Quantized weights are served as they are stored");
    for (QuantFormat format : List.of(QuantFormat.INT8, QuantFormat.INT4)) {
      // The server fixture serves ROOT/tiny-chat: the directory's name is the model's name.
      Path dir = root.resolve(format.id()).resolve(ServerFixture.MODEL);
      Files.createDirectories(dir);
      String summary =
          ok(
              "quantize",
              "--model",
              bf16.toString(),
              "--to",
              format.id(),
              "--out",
              dir.toString(),
              "--block-size",
              Integer.toString(STORED_BLOCK));
      assertThat(summary).contains(format.id() + " (blocks of " + STORED_BLOCK + ")");
      QUANTIZED.put(format, dir);
      try (Checkpoint stored = Checkpoint.open(dir, true)) {
        REFERENCE_IDS.put(format, greedyIds(stored, DecodingMode.AUTOREGRESSIVE, 1, 0.9));
        // Diffusion as ndd generate runs it below, and as the server fixture's policy does.
        GENERATE_DIFFUSION_IDS.put(format, greedyIds(stored, DecodingMode.DIFFUSION, 4, 0.5));
        SERVED_DIFFUSION_IDS.put(format, greedyIds(stored, DecodingMode.DIFFUSION, 8, 0.9));
      }
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"INT8", "INT4"})
  void theStoredCodesAreWhatRuns(QuantFormat format) throws Exception {
    Path dir = QUANTIZED.get(format);
    float[] storedLogits;
    try (Checkpoint stored = Checkpoint.open(dir, false)) {
      for (LayerWeights layer : stored.weights().layers()) {
        for (Tensor t : layer.projections()) {
          assertThat(t.isQuantized()).as(t.name()).isTrue();
          assertThat(t.quantization().format()).as(t.name()).isEqualTo(format);
          assertThat(t.quantization().blockSize()).as(t.name()).isEqualTo(STORED_BLOCK);
          // A slice of the file's mapping: codes quantized at load would live in an arena.
          assertThat(t.data().isMapped()).as(t.name() + " mapped from the file").isTrue();
        }
      }
      assertThat(stored.weights().lmHead().isQuantized()).as("LM head kept").isFalse();
      storedLogits = lastRowLogits(stored.weights(), stored);
    }
    // ndd logits loads the checkpoint as ndd generate and ndd serve do.
    JsonNode rows =
        JSON.readTree(
            ok("logits", "--model", dir.toString(), "--ids", csv(prompt), "--rows", "last"));
    assertThat(rows).hasSize(1);
    float[] cliLogits = floats(rows.get(0));
    // A tolerance far below what other weights do (they move logits by 1e-3 for int8 to 1e-1 for
    // int4): the CLI's logits go through its JSON output and another process's engine settings.
    assertThat(relativeError(cliLogits, storedLogits)).as("ndd logits vs stored").isLessThan(1e-5);
    // The control: the same weights quantized at load in the default blocks give other logits.
    try (Checkpoint requantized =
        Checkpoint.open(bf16, false, new QuantizationPlan(format, 32, false))) {
      assertThat(requantized.weights().layers().get(0).qProj().quantization().blockSize())
          .isEqualTo(32);
      assertThat(relativeError(lastRowLogits(requantized.weights(), requantized), cliLogits))
          .as("re-quantized in blocks of 32 vs ndd logits")
          .isGreaterThan(1e-3);
    }
    // Served as another format, a pre-quantized checkpoint is refused, not converted.
    QuantFormat other = format == QuantFormat.INT8 ? QuantFormat.INT4 : QuantFormat.INT8;
    Run refused =
        ndd(
            "generate",
            "--model",
            dir.toString(),
            "--ids",
            csv(prompt),
            "--max-tokens",
            "2",
            "--quantization",
            other.id());
    assertThat(refused.status()).isEqualTo(1);
    assertThat(refused.err())
        .contains("pre-quantized as " + format.id())
        .contains("cannot be served as " + other.id());
  }

  @ParameterizedTest
  @EnumSource(names = {"INT8", "INT4"})
  void generatesInEveryModeAndSelfSpeculationIsLossless(QuantFormat format) throws Exception {
    Path dir = QUANTIZED.get(format);
    int[] reference = REFERENCE_IDS.get(format);
    JsonNode ar = generate(dir, "--mode", "ar");
    assertThat(ar.get("mode").asText()).isEqualTo("ar");
    assertThat(ids(ar)).as("ar").containsExactly(reference);
    assertThat(ar.get("forwards").asInt()).isEqualTo(TOKENS);
    assertThat(ar.get("text").asText()).isEqualTo(tokenizer.decode(reference, true));
    // What ndd serve does for runtime.yaml's quantization of the same format: loads as stored.
    assertThat(ids(generate(dir, "--mode", "ar", "--quantization", format.id())))
        .as("ar --quantization " + format.id())
        .containsExactly(reference);
    for (String mode : List.of("linear-spec", "quadratic-spec")) {
      JsonNode spec = generate(dir, "--mode", mode, "--block-size", "4");
      assertThat(spec.get("mode").asText()).isEqualTo(mode);
      // Lossless at temperature 0: exactly AR's ids, in fewer forwards than tokens or not.
      assertThat(ids(spec)).as(mode).containsExactly(reference);
      assertThat(spec.get("draftAdapter").asBoolean()).as(mode + " draft adapter").isTrue();
      assertThat(spec.get("rounds").asInt()).as(mode + " rounds").isPositive();
    }
    JsonNode diffusion =
        generate(dir, "--mode", "diffusion", "--block-size", "4", "--threshold", "0.5");
    assertThat(diffusion.get("mode").asText()).isEqualTo("diffusion");
    int[] diffused = ids(diffusion);
    assertThat(diffused).as("diffusion").containsExactly(GENERATE_DIFFUSION_IDS.get(format));
    assertThat(diffusion.get("diffusionStepsPerBlock")).hasSize(3);
    assertThat(diffusion.get("text").asText()).isEqualTo(tokenizer.decode(diffused, true));
  }

  @ParameterizedTest
  @EnumSource(names = {"INT8", "INT4"})
  void servesEveryApiModeAndCountsForwardsPerMode(QuantFormat format) throws Exception {
    String expected = tokenizer.decode(REFERENCE_IDS.get(format), true);
    try (ServerFixture server = ServerFixture.open(QUANTIZED.get(format).getParent())) {
      String ar = null;
      for (String mode : List.of("autoregressive", "diffusion", "self-speculation")) {
        Map<String, Double> before = forwardsByMode(server);
        HttpResponse<String> r =
            post(
                server,
                "/v1/completions",
                "{\"model\":\""
                    + ServerFixture.MODEL
                    + "\",\"prompt\":"
                    + JSON.writeValueAsString(prompt)
                    + ",\"max_tokens\":"
                    + TOKENS
                    + ",\"temperature\":0,\"ignore_eos\":true,\"mode\":\""
                    + mode
                    + "\"}");
        assertThat(r.statusCode()).as(mode + ": " + r.body()).isEqualTo(200);
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.get("usage").get("completion_tokens").asInt()).as(mode).isEqualTo(TOKENS);
        assertThat(body.get("choices").get(0).get("finish_reason").asText()).isEqualTo("length");
        String text = body.get("choices").get(0).get("text").asText();
        Map<String, Double> after = forwardsByMode(server);
        for (String counted : List.of("autoregressive", "diffusion", "self-speculation")) {
          double delta = after.getOrDefault(counted, 0.0) - before.getOrDefault(counted, 0.0);
          if (!counted.equals(mode)) {
            assertThat(delta).as(counted + " forwards during a " + mode + " request").isZero();
          } else if (mode.equals("autoregressive")) {
            assertThat(delta).as("autoregressive forwards: one per token").isEqualTo(TOKENS);
          } else {
            assertThat(delta).as(mode + " forwards").isPositive();
          }
        }
        if (mode.equals("autoregressive")) {
          ar = text;
          assertThat(text).as("the server's greedy text").isEqualTo(expected);
        } else if (mode.equals("diffusion")) {
          assertThat(text)
              .as("the server's diffusion text")
              .isEqualTo(tokenizer.decode(SERVED_DIFFUSION_IDS.get(format), true));
        } else if (mode.equals("self-speculation")) {
          assertThat(text).as("self-speculation is lossless").isEqualTo(ar);
        }
      }
      HttpResponse<String> chat =
          post(
              server,
              "/v1/chat/completions",
              "{\"model\":\""
                  + ServerFixture.MODEL
                  + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],"
                  + "\"max_tokens\":8,\"temperature\":0,\"ignore_eos\":true,\"stream\":true,"
                  + "\"mode\":\"self-speculation\"}");
      assertThat(chat.statusCode()).as(chat.body()).isEqualTo(200);
      assertThat(chat.headers().firstValue("Content-Type").orElse(""))
          .startsWith("text/event-stream");
      assertThat(chat.body()).endsWith("data: [DONE]\n\n");
      List<JsonNode> chunks = events(chat.body());
      assertThat(chunks.get(0).get("choices").get(0).get("delta").get("role").asText())
          .isEqualTo("assistant");
      StringBuilder content = new StringBuilder();
      for (JsonNode c : chunks) {
        JsonNode delta = c.get("choices").get(0).get("delta");
        if (delta.has("content")) {
          content.append(delta.get("content").asText());
        }
      }
      assertThat(content).as("streamed content").isNotEmpty();
      assertThat(chunks.getLast().get("choices").get(0).get("finish_reason").asText())
          .isEqualTo("length");
    }
  }

  /** Greedy ids of {@code mode} from the checkpoint's tensors, decoded in-process on the CPU. */
  private static int[] greedyIds(
      Checkpoint checkpoint, DecodingMode mode, int blockSize, double threshold) {
    ForwardPass pass =
        new CpuForwardPass(checkpoint.config(), checkpoint.weights(), checkpoint.draftAdapter());
    var decoder = mode.decoder(blockSize, threshold);
    return decoder
        .decode(
            pass,
            pass.newCache(decoder.cacheCapacity(prompt.length, TOKENS)),
            DecodeRequest.of(prompt, SamplingParams.greedy(TOKENS)))
        .ids();
  }

  private static float[] lastRowLogits(ModelWeights weights, Checkpoint checkpoint) {
    ForwardPass pass = new CpuForwardPass(checkpoint.config(), weights, Optional.empty());
    Chunk chunk =
        new Chunk(
            prompt,
            IntStream.range(0, prompt.length).toArray(),
            AttentionMask.CAUSAL,
            new int[0],
            Chunk.lastRow(prompt.length),
            new int[0]);
    return pass.forward(pass.newCache(prompt.length), chunk).row(prompt.length - 1).clone();
  }

  /** {@code |a - b| / |b|} in the L2 norm. */
  private static double relativeError(float[] a, float[] b) {
    assertThat(a).hasSameSizeAs(b);
    double diff = 0;
    double norm = 0;
    for (int i = 0; i < a.length; i++) {
      diff += (double) (a[i] - b[i]) * (a[i] - b[i]);
      norm += (double) b[i] * b[i];
    }
    return Math.sqrt(diff / norm);
  }

  private static JsonNode generate(Path dir, String... options) throws Exception {
    List<String> argv =
        new ArrayList<>(
            List.of(
                "generate",
                "--model",
                dir.toString(),
                "--ids",
                csv(prompt),
                "--max-tokens",
                Integer.toString(TOKENS),
                "--ignore-eos",
                "--json"));
    argv.addAll(List.of(options));
    return JSON.readTree(ok(argv.toArray(String[]::new)));
  }

  private record Run(int status, String out, String err) {}

  private static Run ndd(String... argv) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        Ndd.run(
            argv,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(
        status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** Runs a command that must succeed; returns its stdout. */
  private static String ok(String... argv) {
    Run run = ndd(argv);
    assertThat(run.status()).as("ndd %s: %s", argv[0], run.err()).isZero();
    return run.out();
  }

  private static HttpResponse<String> post(ServerFixture server, String path, String json)
      throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(server.url() + path))
            .timeout(Duration.ofSeconds(60))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** {@code ndd_forward_passes} by the API's mode name, from a real scrape of {@code /metrics}. */
  private static Map<String, Double> forwardsByMode(ServerFixture server) throws Exception {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(server.url() + "/metrics"))
                .timeout(Duration.ofSeconds(30))
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    Map<String, Double> byMode = new HashMap<>();
    for (PrometheusText.Sample s : PrometheusText.parse(r.body())) {
      if (s.name().equals("ndd_forward_passes_total")) {
        byMode.merge(s.labels().get("mode"), s.value(), Double::sum);
      }
    }
    assertThat(byMode).as("forward counters in the scrape").containsKey("autoregressive");
    return byMode;
  }

  private static List<JsonNode> events(String sse) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    for (String event : sse.split("\n\n")) {
      if (event.startsWith("data: ") && !event.equals("data: [DONE]")) {
        out.add(JSON.readTree(event.substring("data: ".length())));
      }
    }
    return out;
  }

  private static int[] ids(JsonNode report) {
    return StreamSupport.stream(report.get("ids").spliterator(), false)
        .mapToInt(JsonNode::asInt)
        .toArray();
  }

  private static float[] floats(JsonNode row) {
    float[] values = new float[row.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) row.get(i).asDouble();
    }
    return values;
  }

  private static String csv(int[] ids) {
    return String.join(",", Arrays.stream(ids).mapToObj(Integer::toString).toList());
  }
}
