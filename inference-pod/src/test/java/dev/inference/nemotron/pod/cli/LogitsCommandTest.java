package dev.inference.nemotron.pod.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
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
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
  void printsOneJsonArrayOfFloatsPerRowEqualToADirectCausalForward() throws Exception {
    String text = run("--model", dir.toString(), "--ids", "5,17,3,100,42", "--pattern", "causal");
    JsonNode json = new ObjectMapper().readTree(text);
    try (Checkpoint c = Checkpoint.open(dir, false)) {
      CpuForwardPass pass = new CpuForwardPass(c.config(), c.weights(), Optional.empty());
      Logits expected = pass.forward(pass.newCache(8), Chunk.causalWrite(IDS, 0, Chunk.allRows(5)));
      assertThat(json.isArray()).isTrue();
      assertThat(json.size()).isEqualTo(5);
      for (int r = 0; r < 5; r++) {
        assertThat(json.get(r).isArray()).isTrue();
        assertThat(floats(json.get(r))).containsExactly(expected.row(r));
      }
      assertShortestRoundTrippingText(text, expected);
    }
    // --json is accepted and prints the same document.
    assertThat(run("--model", dir.toString(), "--ids", "5,17,3,100,42", "--json")).isEqualTo(text);
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
            "last");
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
      assertThat(json.size()).isEqualTo(1);
      assertThat(floats(json.get(0))).containsExactly(expected.row(4));
      assertThat(plain.size()).isEqualTo(1);
      assertThat(floats(plain.get(0))).isNotEqualTo(expected.row(4));
    }
  }

  @Test
  void summaryShowsEachRowsPredictedPositionAndArgmax() throws Exception {
    String text = run("--model", dir.toString(), "--ids", "5,17,3", "--rows", "last", "--summary");
    assertThat(text).startsWith("row 2 (predicts position 3): argmax ");
    assertThat(text.lines().count()).isEqualTo(1);
    assertThatThrownBy(() -> run("--model", dir.toString(), "--ids", "5", "--summary", "--json"))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("--json and --summary");
  }

  @Test
  void aNonFiniteLogitFailsNamingItsRowAndColumnAndPrintsNoJson(@TempDir Path nanDir)
      throws Exception {
    TinyCheckpointSpec d = TinyCheckpointSpec.defaults();
    TinyCheckpoint.write(d, nanDir);
    int column = 7;
    poisonLmHeadRow(nanDir.resolve("model.safetensors"), column, d.hidden());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        Ndd.run(
            new String[] {
              "logits", "--model", nanDir.toString(), "--ids", "5,17,3", "--rows", "last"
            },
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(status).isEqualTo(1);
    assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("the logit at row 2, column 7 is NaN, which JSON cannot represent");
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

  /** Each number's text is Java's shortest float32 text, which parses back to the same bits. */
  private static void assertShortestRoundTrippingText(String text, Logits expected)
      throws Exception {
    try (JsonParser parser = new ObjectMapper().getFactory().createParser(text)) {
      int row = -1;
      int column = 0;
      int depth = 0;
      for (JsonToken t = parser.nextToken(); t != null; t = parser.nextToken()) {
        if (t == JsonToken.START_ARRAY) {
          if (++depth == 2) {
            row++;
            column = 0;
          }
        } else if (t == JsonToken.END_ARRAY) {
          depth--;
        } else {
          float v = expected.row(row)[column++];
          assertThat(Float.floatToIntBits(Float.parseFloat(parser.getText())))
              .isEqualTo(Float.floatToIntBits(v));
          assertThat(parser.getText()).isEqualTo(Float.toString(v));
        }
      }
      assertThat(row).isEqualTo(4);
    }
  }

  /** Sets row {@code row} of the bf16 LM head to NaN in place, so that logit column is NaN. */
  private static void poisonLmHeadRow(Path safetensors, int row, int hidden) throws Exception {
    try (FileChannel ch =
        FileChannel.open(safetensors, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      ch.read(length, 0);
      int headerBytes = (int) length.getLong(0);
      ByteBuffer header = ByteBuffer.allocate(headerBytes);
      ch.read(header, 8);
      JsonNode entry =
          new ObjectMapper()
              .readTree(new String(header.array(), StandardCharsets.UTF_8))
              .get("diffusion_head.weight");
      assertThat(entry.get("dtype").asText()).isEqualTo("BF16");
      long start = 8 + headerBytes + entry.get("data_offsets").get(0).asLong() + 2L * row * hidden;
      ByteBuffer nan = ByteBuffer.allocate(2 * hidden).order(ByteOrder.LITTLE_ENDIAN);
      for (int i = 0; i < hidden; i++) {
        nan.putShort((short) 0x7FC0);
      }
      nan.flip();
      ch.write(nan, start);
    }
  }

  private static float[] floats(JsonNode array) {
    float[] out = new float[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).floatValue();
    }
    return out;
  }
}
