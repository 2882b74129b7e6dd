package dev.inference.nemotron.pod.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import dev.inference.nemotron.pod.engine.AttentionMask;
import dev.inference.nemotron.pod.engine.Chunk;
import dev.inference.nemotron.pod.engine.Logits;
import dev.inference.nemotron.pod.engine.cpu.CpuForwardPass;
import dev.inference.nemotron.pod.model.Checkpoint;
import dev.inference.nemotron.pod.model.DraftAdapter;
import dev.inference.nemotron.pod.model.DraftAdapterDirectory;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * {@code ndd logits}: one forward over the given ids from an empty cache, printing the logits of
 * the chosen rows as JSON, one array of floats per row in increasing row order ({@code
 * [[...],[...]]}), each float in the shortest text that parses back to the same float32. Lets a
 * person (or a parity script) compare the runtime with a reference implementation token by token;
 * {@code --summary} prints a human-readable line per row instead.
 */
public final class LogitsCommand implements Command {
  private static final JsonFactory JSON =
      JsonFactory.builder().disable(StreamWriteFeature.AUTO_CLOSE_TARGET).build();
  private static final int SHOWN = 8;

  @Override
  public String name() {
    return "logits";
  }

  @Override
  public String summary() {
    return "logits of one forward over token ids (parity checks)";
  }

  @Override
  public String usage() {
    return String.join(
        "\n",
        "  --model DIR                     checkpoint directory",
        "  --ids 1,2,3                     token ids at positions 0..n-1",
        "  --pattern causal|bidirectional  attention among the ids (default causal)",
        "  --rows all|last                 rows whose logits are printed (default all)",
        "  --lora DIR|none                 apply the draft adapter in DIR (e.g."
            + " MODEL/linear_spec_lora); default none",
        "  --json                          print the logits as JSON, one array per row:"
            + " [[..],[..]] (the default)",
        "  --summary                       print each row's argmax and first logits instead");
  }

  @Override
  public void run(CommandArgs args, PrintStream out) throws Exception {
    Path model = args.existingPath("model");
    int[] ids = args.integers("ids");
    String pattern = args.string("pattern", "causal");
    AttentionMask mask =
        switch (pattern) {
          case "causal" -> AttentionMask.CAUSAL;
          case "bidirectional" -> AttentionMask.BIDIRECTIONAL;
          default ->
              throw new UsageException(
                  "--pattern must be causal or bidirectional, got '" + pattern + "'");
        };
    String rowsOption = args.string("rows", "all");
    int[] rows =
        switch (rowsOption) {
          case "all" -> Chunk.allRows(ids.length);
          case "last" -> Chunk.lastRow(ids.length);
          default ->
              throw new UsageException("--rows must be all or last, got '" + rowsOption + "'");
        };
    String lora = args.string("lora", "none");
    boolean json = args.flag("json");
    boolean summary = args.flag("summary");
    args.requireAllUsed();
    if (json && summary) {
      throw new UsageException("--json and --summary exclude each other");
    }

    try (Checkpoint checkpoint = Checkpoint.open(model, false);
        Arena arena = Arena.ofShared()) {
      Optional<DraftAdapter> adapter =
          lora.equals("none")
              ? Optional.empty()
              : Optional.of(DraftAdapterDirectory.read(Path.of(lora), checkpoint.config(), arena));
      CpuForwardPass pass = new CpuForwardPass(checkpoint.config(), checkpoint.weights(), adapter);
      for (int id : ids) {
        if (id < 0 || id >= pass.vocabularySize()) {
          throw new UsageException(
              "--ids: " + id + " is outside the vocabulary [0, " + pass.vocabularySize() + ")");
        }
      }
      Chunk chunk =
          new Chunk(
              ids,
              IntStream.range(0, ids.length).toArray(),
              mask,
              new int[0],
              rows,
              adapter.isPresent() ? Chunk.allRows(ids.length) : new int[0]);
      Logits logits = pass.forward(pass.newCache(ids.length), chunk);
      if (summary) {
        printText(out, logits, mask, pass.maskTokenId());
      } else {
        printJson(out, logits);
      }
    }
  }

  /**
   * Writes {@code [[row logits], ...]}. Every value is checked first, so a non-finite logit fails
   * before anything is printed: JSON has no NaN or infinity, and Jackson would write them as
   * strings that a parity script would misread.
   */
  static void printJson(PrintStream out, Logits logits) throws IOException {
    for (int r : logits.rows()) {
      float[] row = logits.row(r);
      for (int column = 0; column < row.length; column++) {
        if (!Float.isFinite(row[column])) {
          throw new IllegalStateException(
              "the logit at row "
                  + r
                  + ", column "
                  + column
                  + " is "
                  + row[column]
                  + ", which JSON cannot represent (the forward overflowed or the weights hold"
                  + " NaN/Inf); nothing was printed");
        }
      }
    }
    try (JsonGenerator generator = JSON.createGenerator(out)) {
      generator.writeStartArray();
      for (int r : logits.rows()) {
        generator.writeStartArray();
        for (float v : logits.row(r)) {
          generator.writeNumber(v);
        }
        generator.writeEndArray();
      }
      generator.writeEndArray();
    }
    out.println();
  }

  private static void printText(PrintStream out, Logits logits, AttentionMask mask, int maskId) {
    for (int r : logits.rows()) {
      float[] row = logits.row(r);
      int best = argmaxExcluding(row, maskId);
      StringBuilder first = new StringBuilder();
      for (int i = 0; i < Math.min(SHOWN, row.length); i++) {
        first.append(String.format(Locale.ROOT, " %.4f", row[i]));
      }
      int predicts = mask == AttentionMask.CAUSAL ? r + 1 : r;
      out.printf(
          Locale.ROOT,
          "row %d (predicts position %d): argmax %d (%.4f); first %d:%s%n",
          r,
          predicts,
          best,
          row[best],
          Math.min(SHOWN, row.length),
          first);
    }
  }

  /** The best id other than the mask token, which is never emitted (MODEL.md §5). */
  static int argmaxExcluding(float[] row, int excluded) {
    int best = -1;
    for (int i = 0; i < row.length; i++) {
      if (i != excluded && (best < 0 || row[i] > row[best])) {
        best = i;
      }
    }
    return best;
  }
}
