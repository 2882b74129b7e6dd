package dev.inference.nemotron.pod.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import dev.inference.nemotron.pod.engine.AttentionMask;
import dev.inference.nemotron.pod.engine.Chunk;
import dev.inference.nemotron.pod.engine.ForwardPass;
import dev.inference.nemotron.pod.engine.ForwardPassFactory;
import dev.inference.nemotron.pod.engine.ForwardPassFactory.Backend;
import dev.inference.nemotron.pod.engine.Logits;
import dev.inference.nemotron.pod.model.Checkpoint;
import dev.inference.nemotron.pod.model.DraftAdapter;
import dev.inference.nemotron.pod.model.DraftAdapterDirectory;
import dev.inference.nemotron.pod.model.ModelConfig;
import dev.inference.nemotron.pod.model.ModelWeights;
import dev.inference.nemotron.pod.model.WeightScan;
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
        "  --summary                       print each row's argmax and first logits instead",
        BackendOption.USAGE);
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
    Backend backend = BackendOption.of(args);
    args.requireAllUsed();
    if (json && summary) {
      throw new UsageException("--json and --summary exclude each other");
    }

    try (Checkpoint checkpoint = Checkpoint.open(model, false);
        Arena arena = Arena.ofShared()) {
      ModelConfig config = checkpoint.config();
      checkIds(ids, config);
      checkMemory(
          "--ids", ids.length, ids.length, rows.length, config, Runtime.getRuntime().maxMemory());
      Optional<DraftAdapter> adapter =
          lora.equals("none")
              ? Optional.empty()
              : Optional.of(DraftAdapterDirectory.read(Path.of(lora), config, arena));
      ForwardPass pass =
          ForwardPassFactory.create(backend, config, checkpoint.weights(), adapter, System.err);
      Chunk chunk =
          new Chunk(
              ids,
              IntStream.range(0, ids.length).toArray(),
              mask,
              new int[0],
              rows,
              adapter.isPresent() ? Chunk.allRows(ids.length) : new int[0]);
      Logits logits = pass.forward(pass.newCache(ids.length), chunk);
      try {
        if (summary) {
          printText(out, logits, mask, pass.maskTokenId());
        } else {
          printJson(out, logits);
        }
      } catch (IllegalStateException e) {
        throw withNonFiniteWeight(e, checkpoint.weights());
      }
    }
  }

  /**
   * Refuses, before anything is allocated, ids the model cannot take: more than its context ({@code
   * max_position_embeddings}) or outside its vocabulary.
   */
  static void checkIds(int[] ids, ModelConfig config) {
    if (ids.length > config.maxPositionEmbeddings()) {
      throw new UsageException(
          "--ids: "
              + ids.length
              + " ids need positions 0.."
              + (ids.length - 1)
              + ", beyond the model's context of "
              + config.maxPositionEmbeddings()
              + " positions (max_position_embeddings in config.json); pass at most "
              + config.maxPositionEmbeddings()
              + " ids");
    }
    for (int i = 0; i < ids.length; i++) {
      int id = ids[i];
      if (id < 0 || id >= config.vocabSize()) {
        throw new UsageException(
            "--ids: "
                + id
                + " is outside the vocabulary [0, "
                + config.vocabSize()
                + ") of the model (vocab_size in config.json); it is id number "
                + (i + 1)
                + " of "
                + ids.length);
      }
    }
  }

  /**
   * Refuses a forward whose buffers cannot fit the heap, before allocating them: a KV cache of
   * {@code cachePositions}, the CPU engine's activations for {@code n} chunk rows ({@code [n, H]}
   * x3, {@code [n, heads * headDim]} x2, {@code [n, kvHeads * headDim]} x2, {@code [n, I]} x2, the
   * {@code [n, n]} mask) and {@code rows} rows of logits (twice: computed, then split per row). An
   * array beyond Java's limit of 2^31 elements is refused as well. The usage error names {@code
   * option} and what to change.
   */
  static void checkMemory(
      String option, int cachePositions, int n, int rows, ModelConfig c, long heapBytes) {
    long perRow =
        3L * c.hiddenSize() + 2L * c.queryWidth() + 2L * c.kvWidth() + 2L * c.intermediateSize();
    long largestArray =
        Math.max(
            Math.max(
                (long) n * Math.max(c.intermediateSize(), c.queryWidth()),
                (long) rows * c.vocabSize()),
            (long) cachePositions * c.kvWidth());
    double cache = (double) c.kvBytesPerPosition() * cachePositions;
    double needed =
        cache
            + (double) perRow * Float.BYTES * n
            + (double) n * n
            + 2.0 * rows * c.logitBytesPerRow();
    boolean tooLong = largestArray > Integer.MAX_VALUE - 8;
    if (tooLong || needed > heapBytes) {
      throw new UsageException(
          String.format(
              Locale.ROOT,
              "%s: a forward of %d rows over a cache of %d positions, with %d rows of %d logits,"
                  + " needs about %.2f GiB (KV cache %.2f GiB, activations and logits the rest)%s;"
                  + " the heap has %.2f GiB: ask for fewer rows or positions, or raise -Xmx",
              option,
              n,
              cachePositions,
              rows,
              c.vocabSize(),
              needed / (1L << 30),
              cache / (1L << 30),
              tooLong
                  ? " and a buffer of " + largestArray + " floats, beyond Java's array limit"
                  : "",
              heapBytes / (double) (1L << 30)));
    }
  }

  /**
   * A non-finite logit means the forward met a non-finite value; when the weights hold one, the
   * error names the tensor and element (the scan reads every weight, but only on this error path).
   */
  private static IllegalStateException withNonFiniteWeight(
      IllegalStateException e, ModelWeights weights) {
    return WeightScan.firstNonFinite(weights)
        .map(
            bad ->
                new IllegalStateException(
                    e.getMessage() + "; the weights hold a non-finite value: " + bad, e))
        .orElse(e);
  }

  /**
   * Writes {@code [[row logits], ...]}. Every value is checked first, so a non-finite logit fails
   * before anything is printed: JSON has no NaN or infinity, and Jackson would write them as
   * strings that a parity script would misread.
   */
  static void printJson(PrintStream out, Logits logits) throws IOException {
    requireFinite(logits, ", which JSON cannot represent");
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

  /** Fails on the first non-finite logit, before anything is printed. */
  private static void requireFinite(Logits logits, String why) {
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
                  + why
                  + " (the forward overflowed or the weights hold NaN/Inf); nothing was printed");
        }
      }
    }
  }

  private static void printText(PrintStream out, Logits logits, AttentionMask mask, int maskId) {
    requireFinite(logits, "");
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
