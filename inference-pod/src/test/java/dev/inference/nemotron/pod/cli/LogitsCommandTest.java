package dev.inference.nemotron.pod.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.inference.nemotron.pod.engine.AttentionMask;
import dev.inference.nemotron.pod.engine.Chunk;
import dev.inference.nemotron.pod.engine.Logits;
import dev.inference.nemotron.pod.engine.cpu.CpuForwardPass;
import dev.inference.nemotron.pod.model.Checkpoint;
import dev.inference.nemotron.pod.model.DType;
import dev.inference.nemotron.pod.model.TinyCheckpoint;
import dev.inference.nemotron.pod.model.TinyCheckpointSpec;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ndd logits} on a generated checkpoint, checked against the engine called directly. */
class LogitsCommandTest {
  @TempDir static Path dir;
  private static final int[] IDS = {5, 17, 3, 100, 42};

  @BeforeAll
  static void writeCheckpoint() throws Exception {
    TinyCheckpointSpec d = TinyCheckpointSpec.defaults();
    TinyCheckpoint.write(
        new TinyCheckpointSpec(
            d.hidden(),
            d.layers(),
            d.intermediate(),
            d.heads(),
            d.kvHeads(),
            d.headDim(),
            d.vocab(),
            DType.BF16,
            3,
            d.originalMaxPositions(),
            d.ropeTheta(),
            d.ropeFactor(),
            1,
            8,
            null),
        dir);
  }

  @Test
  void causalJsonLogitsEqualADirectCausalForward() throws Exception {
    JsonNode json =
        runJson(
            "--model", dir.toString(), "--ids", "5,17,3,100,42", "--pattern", "causal", "--json");
    try (Checkpoint c = Checkpoint.open(dir, false)) {
      CpuForwardPass pass = new CpuForwardPass(c.config(), c.weights(), Optional.empty());
      Logits expected = pass.forward(pass.newCache(8), Chunk.causalWrite(IDS, 0, Chunk.allRows(5)));
      assertThat(json.get("rows").size()).isEqualTo(5);
      for (int r = 0; r < 5; r++) {
        assertThat(json.get("rows").get(r).asInt()).isEqualTo(r);
        assertThat(floats(json.get("logits").get(r))).containsExactly(expected.row(r));
      }
    }
  }

  @Test
  void bidirectionalLastRowWithTheDraftAdapterEqualsADirectDraftForward() throws Exception {
    Path lora = dir.resolve(Checkpoint.DRAFT_ADAPTER_DIR);
    JsonNode json =
        runJson(
            "--model",
            dir.toString(),
            "--ids",
            "5,17,3,100,42",
            "--pattern",
            "bidirectional",
            "--rows",
            "last",
            "--lora",
            lora.toString(),
            "--json");
    JsonNode plain =
        runJson(
            "--model",
            dir.toString(),
            "--ids",
            "5,17,3,100,42",
            "--pattern",
            "bidirectional",
            "--rows",
            "last",
            "--json");
    try (Checkpoint c = Checkpoint.open(dir, true)) {
      CpuForwardPass pass = new CpuForwardPass(c.config(), c.weights(), c.draftAdapter());
      Chunk lastRowDraft =
          new Chunk(
              IDS,
              Chunk.allRows(5),
              AttentionMask.BIDIRECTIONAL,
              new int[0],
              Chunk.lastRow(5),
              Chunk.allRows(5));
      Logits expected = pass.forward(pass.newCache(8), lastRowDraft);
      assertThat(json.get("rows").get(0).asInt()).isEqualTo(4);
      assertThat(floats(json.get("logits").get(0))).containsExactly(expected.row(4));
      assertThat(floats(plain.get("logits").get(0))).isNotEqualTo(expected.row(4));
    }
  }

  @Test
  void textOutputShowsEachRowsPredictedPositionAndArgmax() throws Exception {
    String text = run("--model", dir.toString(), "--ids", "5,17,3", "--rows", "last");
    assertThat(text).startsWith("row 2 (predicts position 3): argmax ");
    assertThat(text.lines().count()).isEqualTo(1);
  }

  @Test
  void argmaxNeverPicksTheMaskToken() {
    assertThat(LogitsCommand.argmaxExcluding(new float[] {0.1f, 9f, 0.5f}, 1)).isEqualTo(2);
    assertThat(LogitsCommand.argmaxExcluding(new float[] {0.1f, 9f, 0.5f}, 0)).isEqualTo(1);
  }

  @Test
  void rejectsBadPatternsRowsAndIds() {
    assertThatThrownBy(() -> run("--model", dir.toString(), "--ids", "1", "--pattern", "sideways"))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("causal or bidirectional");
    assertThatThrownBy(() -> run("--model", dir.toString(), "--ids", "1", "--rows", "first"))
        .isInstanceOf(UsageException.class);
    assertThatThrownBy(() -> run("--model", dir.toString(), "--ids", "1,99999"))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("99999 is outside the vocabulary");
  }

  private static JsonNode runJson(String... argv) throws Exception {
    return new ObjectMapper().readTree(run(argv));
  }

  private static String run(String... argv) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    new LogitsCommand()
        .run(CommandArgs.parse(argv), new PrintStream(bytes, true, StandardCharsets.UTF_8));
    return bytes.toString(StandardCharsets.UTF_8);
  }

  private static float[] floats(JsonNode array) {
    float[] out = new float[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).floatValue();
    }
    return out;
  }
}
