package dev.inference.nemotron.pod.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.inference.nemotron.pod.model.Checkpoint;
import dev.inference.nemotron.pod.model.ModelConfig;
import dev.inference.nemotron.pod.model.SafetensorsPatch;
import dev.inference.nemotron.pod.model.TinyCheckpoint;
import dev.inference.nemotron.pod.model.TinyCheckpointSpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad inputs a user (or a hostile checkpoint) gives {@code ndd}: each must fail early, with an exit
 * status that says whose fault it is and a message that says what to fix, and never put raw control
 * characters on the terminal.
 */
class HostileInputTest {
  @TempDir static Path model;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @BeforeAll
  static void writeCheckpoint() throws Exception {
    TinyCheckpoint.write(TinyCheckpointSpec.defaults(), model);
  }

  private int ndd(String... argv) {
    return Ndd.run(
        argv,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String stderr() {
    return err.toString(StandardCharsets.UTF_8);
  }

  private static ModelConfig config() throws IOException {
    try (Checkpoint c = Checkpoint.open(model)) {
      return c.config();
    }
  }

  /** A copy of the tiny checkpoint whose config.json has {@code field} set to {@code value}. */
  private static Path withConfig(Path dir, String field, Object value) throws IOException {
    for (String name : List.of("config.json", "model.safetensors", "tokenizer.json")) {
      Files.copy(model.resolve(name), dir.resolve(name));
    }
    Files.copy(model.resolve("tokenizer_config.json"), dir.resolve("tokenizer_config.json"));
    Path config = dir.resolve("config.json");
    ObjectNode root =
        (ObjectNode)
            new com.fasterxml.jackson.databind.ObjectMapper().readTree(Files.readString(config));
    if (value instanceof Integer i) {
      root.put(field, i);
    } else {
      root.put(field, (String) value);
    }
    Files.writeString(config, root.toString());
    return dir;
  }

  @Test
  void hugeLayerCountInConfigFailsAtOnceNamingTheFileAndField(@TempDir Path dir) throws Exception {
    withConfig(dir, "num_hidden_layers", Integer.MAX_VALUE);
    assertThat(ndd("logits", "--model", dir.toString(), "--ids", "1,2")).isEqualTo(1);
    assertThat(stderr())
        .contains(dir.resolve("config.json") + ": num_hidden_layers is 2147483647, beyond the");
  }

  @Test
  void vocabularySizeTheWeightsDoNotHaveIsRefusedBeforeAllocating(@TempDir Path dir)
      throws Exception {
    withConfig(dir, "vocab_size", ModelConfig.MAX_VOCAB_SIZE);
    assertThat(ndd("logits", "--model", dir.toString(), "--ids", "1,2")).isEqualTo(1);
    assertThat(stderr())
        .contains(": vocab_size is 8388608, but encoder.embed_tokens.weight in ")
        .contains("config.json and the weights disagree");
  }

  @Test
  void anInfWeightFailsTheLogitsNamingTheTensor(@TempDir Path dir) throws Exception {
    TinyCheckpoint.write(TinyCheckpointSpec.defaults(), dir);
    SafetensorsPatch.setElement(
        dir.resolve("model.safetensors"),
        "encoder.layers.1.mlp.down_proj.weight",
        6,
        Float.POSITIVE_INFINITY);
    assertThat(ndd("logits", "--model", dir.toString(), "--ids", "5,17,3", "--rows", "last"))
        .isEqualTo(1);
    assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
    assertThat(stderr())
        .contains("which JSON cannot represent")
        .contains(
            "the weights hold a non-finite value: encoder.layers.1.mlp.down_proj.weight[6] ="
                + " Infinity");
  }

  @Test
  void anInfWeightFailsGenerationInsteadOfDecodingGarbage(@TempDir Path dir) throws Exception {
    TinyCheckpoint.write(TinyCheckpointSpec.defaults(), dir);
    SafetensorsPatch.setElement(
        dir.resolve("model.safetensors"), "encoder.norm.weight", 0, Float.POSITIVE_INFINITY);
    int status =
        ndd(
            "generate",
            "--model",
            dir.toString(),
            "--ids",
            "5,17,3",
            "--max-tokens",
            "4",
            "--temperature",
            "0.7",
            "--seed",
            "1");
    assertThat(status).isEqualTo(1);
    assertThat(stderr())
        .contains("the forward pass produced a non-finite logit: token id ")
        .contains("the checkpoint's weights likely hold Inf or NaN values");
  }

  @Test
  void logitsRefusesMoreIdsThanTheContextBeforeAllocating() throws Exception {
    int context = TinyCheckpointSpec.defaults().maxPositions();
    String ids = String.join(",", java.util.Collections.nCopies(context + 1, "5"));
    assertThat(ndd("logits", "--model", model.toString(), "--ids", ids)).isEqualTo(2);
    assertThat(stderr())
        .contains(
            "--ids: "
                + (context + 1)
                + " ids need positions 0.."
                + context
                + ", beyond the model's context of "
                + context
                + " positions (max_position_embeddings in config.json)");
  }

  @Test
  void logitsRefusesIdsOutsideTheVocabularyNamingIdAndSize() {
    assertThat(ndd("logits", "--model", model.toString(), "--ids", "5,-1")).isEqualTo(2);
    assertThat(stderr())
        .contains("--ids: -1 is outside the vocabulary [0, 512) of the model")
        .contains("id number 2 of 2");
  }

  @Test
  void logitsRefusesAForwardTheHeapCannotHold() throws Exception {
    ModelConfig config = config();
    assertThatThrownBy(() -> LogitsCommand.checkMemory("--ids", 200, 200, 200, config, 1 << 20))
        .isInstanceOf(UsageException.class)
        .hasMessageStartingWith("--ids: a forward of 200 rows over a cache of 200 positions")
        .hasMessageContaining("the heap has 0.00 GiB")
        .hasMessageEndingWith("raise -Xmx");
    LogitsCommand.checkMemory("--ids", 200, 200, 200, config, 1L << 30);
  }

  @Test
  void controlCharactersInAConfigValueReachTheTerminalEscaped(@TempDir Path dir) throws Exception {
    withConfig(dir, "model_type", "\u001b[2J\u001b]0;pwned\u0007");
    assertThat(ndd("logits", "--model", dir.toString(), "--ids", "1")).isEqualTo(1);
    assertThat(stderr())
        .contains("model_type is \"\\u001b[2J\\u001b]0;pwned\\u0007\"")
        .doesNotContain("\u001b")
        .doesNotContain("\u0007");
  }

  @Test
  void controlCharactersInArgumentsAndUnknownCommandsAreEscaped() {
    assertThat(ndd("\u001b[31mlogits")).isEqualTo(2);
    assertThat(ndd("logits", "--model", model.toString(), "--ids", "1", "--pattern", "\u001bx"))
        .isEqualTo(2);
    assertThat(stderr())
        .contains("unknown command '\\u001b[31mlogits'")
        .contains("got '\\u001bx'")
        .doesNotContain("\u001b");
  }

  @Test
  void tokenizerPathThatCannotBeExaminedSaysWhy(@TempDir Path dir) throws Exception {
    Path loop = Files.createSymbolicLink(dir.resolve("loop"), dir.resolve("loop"));
    assertThat(ndd("tokenize", "--tokenizer", loop.toString(), "--text", "a")).isEqualTo(1);
    assertThat(stderr()).contains("cannot access " + loop + ": too many levels of symbolic links");
    Path file = Files.writeString(dir.resolve("file"), "x");
    assertThat(ndd("tokenize", "--tokenizer", file.resolve("tok").toString(), "--text", "a"))
        .isEqualTo(1);
    assertThat(stderr())
        .contains(
            "cannot access "
                + file.resolve("tok").resolve("tokenizer.json")
                + ": not found: no tokenizer.json (expected a Hugging Face tokenizer directory");
  }

  @Test
  void unreadableTokenizerConfigSaysWhatFailed(@TempDir Path dir) throws Exception {
    Files.copy(model.resolve("tokenizer.json"), dir.resolve("tokenizer.json"));
    Files.createDirectory(dir.resolve("tokenizer_config.json"));
    assertThat(ndd("tokenize", "--tokenizer", dir.toString(), "--text", "a")).isEqualTo(1);
    assertThat(stderr())
        .contains("cannot read " + dir.resolve("tokenizer_config.json") + ": is a directory");
  }

  @Test
  void permissionDeniedSaysSo(@TempDir Path dir) throws Exception {
    Assumptions.assumeFalse("root".equals(System.getProperty("user.name")), "root reads all");
    Path closed = Files.createDirectory(dir.resolve("root-only"));
    Files.copy(model.resolve("tokenizer.json"), closed.resolve("tokenizer.json"));
    Files.setPosixFilePermissions(closed, Set.of());
    try {
      assertThat(ndd("tokenize", "--tokenizer", closed.toString(), "--text", "a")).isEqualTo(1);
      assertThat(stderr())
          .contains("cannot access " + closed.resolve("tokenizer.json") + ": permission denied");
    } finally {
      Files.setPosixFilePermissions(
          closed, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    }
  }

  @Test
  void describeTurnsBarePathExceptionsIntoWords() {
    assertThat(Ndd.describe(new AccessDeniedException("/root-only/config.json")))
        .isEqualTo("cannot access /root-only/config.json: permission denied");
    assertThat(Ndd.describe(new NoSuchFileException("/x/tokenizer.json")))
        .isEqualTo("cannot access /x/tokenizer.json: no such file or directory");
    assertThat(Ndd.describe(new NotDirectoryException("/x/file")))
        .isEqualTo("cannot access /x/file: not a directory");
    assertThat(Ndd.describe(new FileSystemException("/x", null, "Read-only file system")))
        .isEqualTo("cannot access /x: read-only file system");
    assertThat(Ndd.describe(new UncheckedIOException(new AccessDeniedException("/y"))))
        .isEqualTo("cannot access /y: permission denied");
    assertThat(Ndd.describe(new RuntimeException(null, new AccessDeniedException("/z"))))
        .isEqualTo("RuntimeException: cannot access /z: permission denied");
    assertThat(Ndd.describe(new IllegalStateException("kept as it is"))).isEqualTo("kept as it is");
  }

  @Test
  void anExistingPathOptionThatCannotBeExaminedIsAUsageErrorSayingWhy(@TempDir Path dir)
      throws Exception {
    Path loop = Files.createSymbolicLink(dir.resolve("loop"), dir.resolve("loop"));
    assertThat(ndd("logits", "--model", loop.toString(), "--ids", "1")).isEqualTo(2);
    assertThat(stderr())
        .contains("--model: cannot access " + loop + ": too many levels of symbolic links");
    assertThatThrownBy(() -> CommandArgs.parse(new String[] {"--out", "a\u0000b"}).path("out"))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("is not a valid path");
  }

  @Test
  void tinyCheckpointRefusesSizesBeyondTheModelBounds(@TempDir Path dir) {
    assertThat(
            ndd("tiny-checkpoint", "--out", dir.resolve("m").toString(), "--layers", "2147483647"))
        .isEqualTo(2);
    assertThat(stderr()).contains("layers must be at most 1024, got 2147483647");
    assertThat(dir.resolve("m")).doesNotExist();
  }

  @Test
  void benchRefusesAContextBeyondTheModelAndAHugeBandwidthProbe() throws Exception {
    ModelConfig config = config();
    assertThatThrownBy(() -> BenchCommand.checkContext(Integer.MAX_VALUE, 32, config))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("exceed the model's context of 256 positions");
    assertThatThrownBy(() -> BenchCommand.checkBandwidthProbe(1 << 30, 24L << 30))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("--bandwidth-mb 1073741824 exceeds half of this machine's memory");
    assertThat(ndd("bench", "--model", model.toString(), "--iterations", "2147483647"))
        .isEqualTo(2);
    assertThat(stderr()).contains("--iterations must be at most 1000000");
  }
}
