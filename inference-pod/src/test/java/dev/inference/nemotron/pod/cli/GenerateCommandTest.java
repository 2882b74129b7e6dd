package dev.inference.nemotron.pod.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.inference.nemotron.pod.model.DType;
import dev.inference.nemotron.pod.model.TinyCheckpoint;
import dev.inference.nemotron.pod.model.TinyCheckpointSpec;
import dev.inference.nemotron.pod.tokenizer.ChatMessage;
import dev.inference.nemotron.pod.tokenizer.Tokenizer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ndd generate} on a generated tiny checkpoint (real files, real tokenizer, CPU engine). */
class GenerateCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TinyCheckpointSpec SPEC =
      new TinyCheckpointSpec(32, 2, 64, 4, 2, 16, 512, DType.BF16, 5, 64, 10000, 4, 1, 8, null);

  @TempDir static Path root;
  private static Path model;
  private static Tokenizer tokenizer;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @BeforeAll
  static void writeCheckpoint() throws Exception {
    model = root.resolve("tiny");
    TinyCheckpoint.write(SPEC, model);
    tokenizer = Tokenizer.load(model);
  }

  private int ndd(String... argv) {
    out.reset();
    err.reset();
    return Ndd.run(
        argv,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private JsonNode generateJson(String... options) throws Exception {
    return generateJson(model, options);
  }

  private JsonNode generateJson(Path checkpoint, String... options) throws Exception {
    List<String> argv =
        new ArrayList<>(List.of("generate", "--model", checkpoint.toString(), "--json"));
    argv.addAll(List.of(options));
    int status = ndd(argv.toArray(String[]::new));
    assertThat(status).as(err.toString(StandardCharsets.UTF_8)).isZero();
    return JSON.readTree(out.toString(StandardCharsets.UTF_8));
  }

  private static int[] ids(JsonNode report) {
    return StreamSupport.stream(report.get("ids").spliterator(), false)
        .mapToInt(JsonNode::asInt)
        .toArray();
  }

  @Test
  void everyModeReportsItsFiguresAndSelfSpeculationMatchesAr() throws Exception {
    String[] common = {
      "--ids", "5,9,77,300,41", "--max-tokens", "13", "--block-size", "4", "--ignore-eos"
    };
    JsonNode ar =
        generateJson(
            "--ids", "5,9,77,300,41", "--max-tokens", "13", "--ignore-eos", "--mode", "ar");
    assertThat(ar.get("mode").asText()).isEqualTo("ar");
    assertThat(ar.get("tokens").asInt()).isEqualTo(13);
    assertThat(ar.get("forwards").asInt()).isEqualTo(13);
    assertThat(ar.get("tokensPerForward").asDouble()).isEqualTo(1.0);
    assertThat(ar.get("stopReason").asText()).isEqualTo("MAX_TOKENS");
    assertThat(ar.get("text").asText()).isEqualTo(tokenizer.decode(ids(ar), true));
    assertThat(ar.get("seconds").asDouble()).isPositive();
    for (String mode : List.of("linear-spec", "quadratic-spec")) {
      JsonNode spec = generateJson(concat(common, "--mode", mode));
      assertThat(ids(spec)).as(mode).containsExactly(ids(ar));
      int rounds = spec.get("rounds").asInt();
      int perRound = mode.equals("linear-spec") ? 2 : 1;
      assertThat(spec.get("forwards").asInt()).isEqualTo(1 + perRound * rounds);
      assertThat(spec.get("draftedTokens").asInt()).isEqualTo(3 * rounds);
      assertThat(spec.get("meanAcceptanceLength").asDouble())
          .isCloseTo((spec.get("acceptedTokens").asDouble() + rounds) / rounds, within(1e-12));
      assertThat(spec.get("tokensPerForward").asDouble())
          .isCloseTo(13.0 / spec.get("forwards").asInt(), within(1e-12));
    }
    JsonNode diffusion = generateJson(concat(common, "--mode", "diffusion", "--threshold", "0.5"));
    int steps = 0;
    for (JsonNode s : diffusion.get("diffusionStepsPerBlock")) {
      steps += s.asInt();
    }
    // Blocks of 4, 4, 4 and 1: the prefill, every step, and a commit for all but the last block.
    assertThat(diffusion.get("diffusionStepsPerBlock")).hasSize(4);
    assertThat(diffusion.get("forwards").asInt()).isEqualTo(1 + steps + 3);
    assertThat(diffusion.get("threshold").asDouble()).isEqualTo(0.5);
  }

  @Test
  void stopsOnAnEosIdThatOnlyGenerationConfigJsonNames() throws Exception {
    Path other = root.resolve("generation-eos");
    TinyCheckpoint.write(SPEC, other);
    int[] full = ids(generateJson(other, "--ids", "7,8,9", "--max-tokens", "12", "--ignore-eos"));
    // The first token that did not occur before it becomes the only extra stop id.
    int k = 1;
    while (k < full.length && contains(Arrays.copyOf(full, k), full[k])) {
      k++;
    }
    assertThat(k).as("a new token among %s", Arrays.toString(full)).isLessThan(full.length);
    int configEos = tokenizer.eosTokenId().orElseThrow();
    assertThat(Arrays.copyOf(full, k + 1)).doesNotContain(configEos);
    Files.writeString(
        other.resolve("generation_config.json"), "{\"eos_token_id\": [" + full[k] + "]}");
    JsonNode stopped = generateJson(other, "--ids", "7,8,9", "--max-tokens", "12");
    assertThat(stopped.get("stopReason").asText()).isEqualTo("EOS");
    assertThat(ids(stopped)).containsExactly(Arrays.copyOf(full, k + 1));
  }

  private static boolean contains(int[] values, int value) {
    return Arrays.stream(values).anyMatch(v -> v == value);
  }

  @Test
  void textModeStreamsTheSameTextAsTheJsonReport() throws Exception {
    JsonNode report = generateJson("--prompt", "hello world", "--max-tokens", "9", "--ignore-eos");
    assertThat(report.get("promptTokens").asInt())
        .isEqualTo(tokenizer.encode("hello world").length);
    int status =
        ndd(
            "generate",
            "--model",
            model.toString(),
            "--prompt",
            "hello world",
            "--max-tokens",
            "9",
            "--ignore-eos");
    assertThat(status).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .isEqualTo(report.get("text").asText() + System.lineSeparator());
  }

  @Test
  void chatWrapsThePromptInTheChatFormat() throws Exception {
    JsonNode report = generateJson("--prompt", "hi", "--chat", "--max-tokens", "2");
    String rendered =
        tokenizer.chatTemplate().render(List.of(new ChatMessage("user", "hi")), false);
    assertThat(report.get("promptTokens").asInt()).isEqualTo(tokenizer.encode(rendered).length);
  }

  @Test
  void sampledRunsAreReproducibleWithTheirSeed() throws Exception {
    String[] options = {
      "--ids",
      "1,2,3",
      "--max-tokens",
      "12",
      "--temperature",
      "1.0",
      "--top-p",
      "0.9",
      "--ignore-eos"
    };
    JsonNode first = generateJson(concat(options, "--mode", "ar"));
    long seed = first.get("seed").asLong();
    JsonNode again =
        generateJson(concat(options, "--mode", "linear-spec", "--seed", Long.toString(seed)));
    assertThat(ids(again)).containsExactly(ids(first));
  }

  @Test
  void earliestOfSeveralStopStringsCutsTheText() {
    assertThat(GenerateCommand.cutAtStop("abcdef", List.of("e", "c"))).isEqualTo("ab");
    assertThat(GenerateCommand.cutAtStop("abcdef", List.of("x"))).isEqualTo("abcdef");
    assertThat(GenerateCommand.cutAtStop("abcdef", List.of())).isEqualTo("abcdef");
  }

  @Test
  void stopStringCutsTheTextAndEndsGeneration() throws Exception {
    JsonNode full = generateJson("--ids", "7,8,9", "--max-tokens", "20", "--ignore-eos");
    String text = full.get("text").asText();
    String stop = text.substring(text.length() / 2, text.length() / 2 + 2);
    JsonNode cut =
        generateJson("--ids", "7,8,9", "--max-tokens", "20", "--ignore-eos", "--stop", stop);
    assertThat(cut.get("stopReason").asText()).isEqualTo("STOP_STRING");
    assertThat(cut.get("text").asText()).isEqualTo(text.substring(0, text.indexOf(stop)));
    assertThat(cut.get("tokens").asInt()).isLessThan(20);
  }

  @Test
  void badArgumentsAreUsageErrorsNamingTheOption() {
    String m = model.toString();
    assertThat(ndd("generate", "--model", m, "--ids", "1", "--prompt", "x")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("exactly one of --prompt");
    assertThat(ndd("generate", "--model", m, "--ids", "1", "--mode", "fast")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("ar, diffusion, linear-spec, quadratic-spec");
    assertThat(
            ndd(
                "generate",
                "--model",
                m,
                "--ids",
                "1",
                "--mode",
                "linear-spec",
                "--threshold",
                "0.5"))
        .isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("--threshold applies to --mode diffusion");
    assertThat(ndd("generate", "--model", m, "--ids", "1", "--block-size", "4")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("--block-size does not apply to --mode ar");
    assertThat(ndd("generate", "--model", m, "--ids", "1", "--temperature", "-1")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--temperature must be");
    assertThat(
            ndd(
                "generate",
                "--model",
                m,
                "--ids",
                "1",
                "--mode",
                "linear-spec",
                "--block-size",
                "1"))
        .isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("block size must be >= 2");
    // A bad --ids value is the user's argument: a usage error, checked before any allocation.
    assertThat(ndd("generate", "--model", m, "--ids", "1,99999")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("prompt token 1 is 99999");
    assertThat(ndd("generate", "--model", m, "--ids", "1", "--max-token", "3")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown option(s): --max-token");
  }

  private static String[] concat(String[] a, String... b) {
    List<String> all = new ArrayList<>(List.of(a));
    all.addAll(List.of(b));
    return all.toArray(String[]::new);
  }
}
