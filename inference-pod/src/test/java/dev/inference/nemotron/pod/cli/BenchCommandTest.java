package dev.inference.nemotron.pod.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.inference.nemotron.pod.model.Checkpoint;
import dev.inference.nemotron.pod.model.DType;
import dev.inference.nemotron.pod.model.TinyCheckpoint;
import dev.inference.nemotron.pod.model.TinyCheckpointSpec;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ndd bench} on a small generated checkpoint: the report's figures are consistent. */
class BenchCommandTest {
  @TempDir Path dir;

  @Test
  void reportsEachChunkSizeRelativeToTheOneRowBaseline() throws Exception {
    TinyCheckpoint.write(spec(8), dir);
    JsonNode report =
        runJson(
            "--model",
            dir.toString(),
            "--rows",
            "4,2",
            "--iterations",
            "2",
            "--context",
            "5",
            "--bandwidth-mb",
            "16",
            "--draft",
            "--json");
    JsonNode causal = report.get("causal");
    assertThat(causal.findValuesAsText("rows")).containsExactly("1", "2", "4");
    assertThat(causal.get(0).get("relativeCost").asDouble()).isEqualTo(1.0);
    for (JsonNode row : causal) {
      double relative = row.get("relativeCost").asDouble();
      assertThat(row.get("breakEvenTpf").asDouble()).isEqualTo(relative);
      assertThat(row.get("linearSpecBreakEvenTokensPerRound").asDouble()).isEqualTo(2 * relative);
      assertThat(row.get("minMs").asDouble())
          .isPositive()
          .isLessThanOrEqualTo(row.get("medianMs").asDouble());
      assertThat(row.get("rowsPerSecond").asDouble())
          .isCloseTo(row.get("rows").asInt() * 1000 / row.get("medianMs").asDouble(), within(1e-6));
    }
    assertThat(report.get("arTokensPerSecond").asDouble())
        .isCloseTo(1000 / causal.get(0).get("medianMs").asDouble(), within(1e-6));
    assertThat(report.get("memoryGbPerSecond").asDouble()).isPositive();
    assertThat(report.get("draft").size()).isEqualTo(3);
    long safetensors = Files.size(dir.resolve("model.safetensors"));
    // Every tensor but the embedding is streamed per forward.
    assertThat(report.get("weightBytes").asLong())
        .isLessThan(safetensors)
        .isGreaterThan(safetensors / 2);
  }

  @Test
  void draftBenchmarkNeedsAnAdapter() throws Exception {
    TinyCheckpoint.write(spec(0), dir);
    assertThatThrownBy(() -> runJson("--model", dir.toString(), "--draft", "--json"))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining(Checkpoint.DRAFT_ADAPTER_DIR);
  }

  private static TinyCheckpointSpec spec(int loraRank) {
    TinyCheckpointSpec d = TinyCheckpointSpec.defaults();
    return new TinyCheckpointSpec(
        d.hidden(),
        d.layers(),
        d.intermediate(),
        d.heads(),
        d.kvHeads(),
        d.headDim(),
        d.vocab(),
        DType.BF16,
        5,
        d.originalMaxPositions(),
        d.ropeTheta(),
        d.ropeFactor(),
        1,
        loraRank,
        null);
  }

  private static JsonNode runJson(String... argv) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    new BenchCommand()
        .run(CommandArgs.parse(argv), new PrintStream(bytes, true, StandardCharsets.UTF_8));
    return new ObjectMapper().readTree(bytes.toString(StandardCharsets.UTF_8));
  }
}
