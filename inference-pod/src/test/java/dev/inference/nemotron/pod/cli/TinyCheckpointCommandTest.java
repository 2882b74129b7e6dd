package dev.inference.nemotron.pod.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.inference.nemotron.pod.model.Checkpoint;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TinyCheckpointCommandTest {
  @TempDir Path dir;

  private static String run(String... argv) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      new TinyCheckpointCommand().run(CommandArgs.parse(argv), out);
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void writesTheDefaultCheckpointAndReportsItAsJson() throws Exception {
    Path out = dir.resolve("ckpt");
    JsonNode report =
        new ObjectMapper().readTree(run("--out", out.toString(), "--json", "--measure-load"));
    assertThat(report.get("dir").asText()).isEqualTo(out.toAbsolutePath().toString());
    assertThat(report.get("config").get("hiddenSize").asInt()).isEqualTo(64);
    assertThat(report.get("config").get("vocabSize").asInt()).isEqualTo(512);
    long total = 0;
    for (JsonNode f : report.get("files")) {
      total += f.get("bytes").asLong();
    }
    assertThat(report.get("bytes").asLong()).isEqualTo(total);
    assertThat(report.get("load").get("tensors").asInt()).isEqualTo(21);
    try (Checkpoint c = Checkpoint.open(out)) {
      assertThat(c.config().numHiddenLayers()).isEqualTo(2);
      assertThat(report.get("parameters").asLong())
          .isEqualTo(2L * 512 * 64 + 64 + 2 * (2 * 64 + 128 * 64 * 2 + 64 * 64 * 2 + 3 * 128 * 64));
    }
  }

  @Test
  void honoursSizeDtypeShardAndLoraOptions() throws Exception {
    Path out = dir.resolve("f32");
    String text =
        run(
            "--out",
            out.toString(),
            "--hidden",
            "32",
            "--layers",
            "1",
            "--intermediate",
            "64",
            "--heads",
            "2",
            "--kv-heads",
            "1",
            "--head-dim",
            "16",
            "--vocab",
            "400",
            "--dtype",
            "f32",
            "--shards",
            "2",
            "--lora-rank",
            "4",
            "--original-max-positions",
            "8",
            "--rope-factor",
            "2");
    assertThat(text).contains("H 32, 1 layers", "vocab 400", "f32", "model-00002-of-00002");
    try (Checkpoint c = Checkpoint.open(out)) {
      assertThat(c.config().maxPositionEmbeddings()).isEqualTo(16);
      assertThat(c.draftAdapter()).isPresent();
      assertThat(c.weights().lmHead().dtype().name()).isEqualTo("F32");
    }
  }

  @Test
  void rejectsBadOptionsAsUsageErrors() {
    assertThatThrownBy(() -> run("--out", dir.toString(), "--dtype", "int8"))
        .isInstanceOf(UsageException.class)
        .hasMessage("--dtype must be bf16, f16 or f32, got 'int8'");
    assertThatThrownBy(() -> run("--out", dir.toString(), "--heads", "3"))
        .isInstanceOf(UsageException.class)
        .hasMessage("kv-heads (2) must divide heads (3)");
    assertThatThrownBy(() -> run("--out", dir.toString(), "--hiden", "3"))
        .isInstanceOf(UsageException.class)
        .hasMessage("unknown option(s): --hiden");
    assertThatThrownBy(() -> run("--hidden", "3")).hasMessage("missing required option --out");
  }
}
