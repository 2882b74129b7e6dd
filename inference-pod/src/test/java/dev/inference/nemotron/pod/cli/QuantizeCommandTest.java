package dev.inference.nemotron.pod.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.inference.nemotron.pod.model.Checkpoint;
import dev.inference.nemotron.pod.model.DType;
import dev.inference.nemotron.pod.model.QuantFormat;
import dev.inference.nemotron.pod.model.TinyCheckpoint;
import dev.inference.nemotron.pod.model.TinyCheckpointSpec;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ndd quantize}: options, the written checkpoint, and {@code --quality}'s table. */
class QuantizeCommandTest {
  @TempDir Path root;

  private Path model() throws Exception {
    Path dir = root.resolve("bf16");
    TinyCheckpoint.write(
        new TinyCheckpointSpec(64, 1, 128, 4, 2, 16, 400, DType.BF16, 5, 24, 10000, 8, 1, 0, null),
        dir);
    return dir;
  }

  private static String run(String... argv) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      new QuantizeCommand().run(CommandArgs.parse(argv), out);
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void writesACheckpointThatLoadsQuantized() throws Exception {
    Path model = model();
    Path out = root.resolve("int4");
    String summary =
        run(
            "--model",
            model.toString(),
            "--to",
            "int4",
            "--out",
            out.toString(),
            "--block-size",
            "64");
    assertThat(summary).contains("7 tensors quantized").contains("int4 (blocks of 64)");
    try (Checkpoint c = Checkpoint.open(out)) {
      assertThat(c.weights().layers().get(0).downProj().quantization().format())
          .isEqualTo(QuantFormat.INT4);
    }
    assertThatThrownBy(
            () -> run("--model", model.toString(), "--to", "int4", "--out", out.toString()))
        .hasMessageContaining(out + ": exists and is not empty");
  }

  @Test
  void refusesBadOptions() throws Exception {
    Path model = model();
    String out = root.resolve("x").toString();
    assertThatThrownBy(() -> run("--model", model.toString(), "--to", "int3", "--out", out))
        .isInstanceOf(UsageException.class)
        .hasMessage("--to must be one of int8, int4, fp8, got 'int3'");
    assertThatThrownBy(
            () ->
                run(
                    "--model",
                    model.toString(),
                    "--to",
                    "int8",
                    "--out",
                    out,
                    "--block-size",
                    "48"))
        .isInstanceOf(UsageException.class)
        .hasMessage("--block-size must be 32 or 64, got 48");
    Path quantized = root.resolve("int8");
    run("--model", model.toString(), "--to", "int8", "--out", quantized.toString());
    assertThatThrownBy(() -> run("--model", quantized.toString(), "--to", "int4", "--out", out))
        .hasMessageContaining("already quantized");
  }

  @Test
  void qualityPrintsOneLinePerFormatAndHeadChoice() throws Exception {
    String table =
        run("--model", model().toString(), "--quality", "--positions", "16", "--tokens", "4");
    assertThat(table.lines().filter(l -> l.matches("(int8|int4|fp8) +(kept|quant) .*"))).hasSize(6);
    assertThat(table).contains("logit_rel").contains("top1").contains("greedy");
  }
}
