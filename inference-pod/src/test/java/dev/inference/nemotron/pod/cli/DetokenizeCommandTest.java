package dev.inference.nemotron.pod.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.inference.nemotron.pod.tokenizer.TinyTokenizerFiles;
import dev.inference.nemotron.pod.tokenizer.Tokenizer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DetokenizeCommandTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int ndd(String... argv) {
    return Ndd.run(
        argv,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private static String joined(int[] ids) {
    return Arrays.stream(ids).mapToObj(Integer::toString).collect(Collectors.joining(","));
  }

  @Test
  void printsTheTextOfTokenizeOutputBackInUtf8(@TempDir Path dir) throws Exception {
    TinyTokenizerFiles.write(dir, 512);
    String text = "<|im_start|>user\nGrüße, 世界 👋<|im_end|>";
    int[] ids = Tokenizer.load(dir).encode(text);
    int status = ndd("detokenize", "--tokenizer", dir.toString(), "--ids", joined(ids));
    assertThat(status).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(text + "\n");
  }

  @Test
  void jsonOutputAndSkippingSpecialTokens(@TempDir Path dir) throws Exception {
    TinyTokenizerFiles.write(dir, 512);
    int[] ids = Tokenizer.load(dir).encode("<s>say \"hi\"</s>");
    int status =
        ndd(
            "detokenize",
            "--tokenizer",
            dir.toString(),
            "--ids",
            joined(ids),
            "--skip-special-tokens",
            "--json");
    assertThat(status).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8).strip())
        .isEqualTo("{\"text\":\"say \\\"hi\\\"\"}");
  }

  @Test
  void idOutsideTheVocabularyIsAUsageError(@TempDir Path dir) throws Exception {
    TinyTokenizerFiles.write(dir, 400);
    int status = ndd("detokenize", "--tokenizer", dir.toString(), "--ids", "1,400");
    assertThat(status).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("400 is not a token id");
  }
}
