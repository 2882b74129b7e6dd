package dev.inference.nemotron.pod.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.inference.nemotron.pod.tokenizer.TinyTokenizerFiles;
import dev.inference.nemotron.pod.tokenizer.Tokenizer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenizeCommandTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int ndd(String... argv) {
    return Ndd.run(
        argv,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String stdout() {
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void printsTheIdsOfTheTokenizerCommaSeparated(@TempDir Path dir) throws Exception {
    TinyTokenizerFiles.write(dir, 512);
    String text = "<|im_start|>user\nHello, wörld!";
    int status = ndd("tokenize", "--tokenizer", dir.toString(), "--text", text);
    int[] expected = Tokenizer.load(dir).encode(text);
    assertThat(status).isZero();
    assertThat(stdout().strip())
        .isEqualTo(
            Arrays.stream(expected).mapToObj(Integer::toString).collect(Collectors.joining(",")))
        .startsWith("3,");
  }

  @Test
  void jsonOutputPairsIdsWithTheirStoredTokens(@TempDir Path dir) throws Exception {
    TinyTokenizerFiles.write(dir, 512);
    int status = ndd("tokenize", "--tokenizer", dir.toString(), "--text", "a b<mask>", "--json");
    assertThat(status).isZero();
    Tokenizer tokenizer = Tokenizer.load(dir);
    int[] ids = tokenizer.encode("a b<mask>");
    StringBuilder expected = new StringBuilder("{\"ids\":[");
    expected.append(
        Arrays.stream(ids).mapToObj(Integer::toString).collect(Collectors.joining(",")));
    expected.append("],\"tokens\":[");
    expected.append(
        Arrays.stream(ids)
            .mapToObj(id -> "\"" + tokenizer.token(id).orElseThrow() + "\"")
            .collect(Collectors.joining(",")));
    assertThat(stdout().strip()).isEqualTo(expected.append("]}").toString()).contains("\"Ġb\"");
  }

  @Test
  void missingDirectoryIsAnErrorNamingTheFile(@TempDir Path dir) {
    Path missing = dir.resolve("nope");
    int status = ndd("tokenize", "--tokenizer", missing.toString(), "--text", "x");
    assertThat(status).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains(missing.resolve("tokenizer.json").toString())
        .contains("no tokenizer.json");
  }

  @Test
  void malformedTokenizerJsonIsAnErrorNamingTheFile(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("tokenizer.json"), "{\"model\": {\"type\": \"BPE\", ");
    int status = ndd("tokenize", "--tokenizer", dir.toString(), "--text", "x");
    assertThat(status).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains(dir.resolve("tokenizer.json").toString())
        .contains("malformed JSON");
  }

  @Test
  void unknownModelTypeIsAnErrorNamingTheFileAndType(@TempDir Path dir) throws Exception {
    TinyTokenizerFiles.write(dir, 400);
    Path file = dir.resolve("tokenizer.json");
    Files.writeString(
        file, Files.readString(file).replace("\"type\" : \"BPE\"", "\"type\" : \"Unigram\""));
    int status = ndd("tokenize", "--tokenizer", dir.toString(), "--text", "x");
    assertThat(status).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains(file.toString())
        .contains("model type 'Unigram' is not supported; expected BPE");
  }

  @Test
  void missingTextIsAUsageError(@TempDir Path dir) {
    assertThat(ndd("tokenize", "--tokenizer", dir.toString())).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("missing required option --text");
  }
}
