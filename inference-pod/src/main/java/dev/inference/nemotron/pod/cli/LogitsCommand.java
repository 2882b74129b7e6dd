package dev.inference.nemotron.pod.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.inference.nemotron.pod.engine.AttentionMask;
import dev.inference.nemotron.pod.engine.Chunk;
import dev.inference.nemotron.pod.engine.Logits;
import dev.inference.nemotron.pod.engine.cpu.CpuForwardPass;
import dev.inference.nemotron.pod.model.Checkpoint;
import dev.inference.nemotron.pod.model.DraftAdapter;
import dev.inference.nemotron.pod.model.DraftAdapterDirectory;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * {@code ndd logits}: one forward over the given ids from an empty cache, printing the logits of
 * the chosen rows. Lets a person (or a parity script) compare the runtime with a reference
 * implementation token by token.
 */
public final class LogitsCommand implements Command {
  private static final ObjectMapper JSON = new ObjectMapper();
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
        "  --json                          print {\"rows\":[..],\"logits\":[[..],..]}");
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
    args.requireAllUsed();

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
      if (json) {
        printJson(out, logits);
      } else {
        printText(out, logits, mask, pass.maskTokenId());
      }
    }
  }

  private static void printJson(PrintStream out, Logits logits) throws Exception {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode rows = root.putArray("rows");
    ArrayNode values = root.putArray("logits");
    for (int r : logits.rows()) {
      rows.add(r);
      ArrayNode row = values.addArray();
      for (float v : logits.row(r)) {
        row.add(v);
      }
    }
    out.println(JSON.writeValueAsString(root));
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
