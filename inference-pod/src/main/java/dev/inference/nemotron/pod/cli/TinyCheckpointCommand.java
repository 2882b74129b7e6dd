package dev.inference.nemotron.pod.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.inference.nemotron.pod.model.Checkpoint;
import dev.inference.nemotron.pod.model.DType;
import dev.inference.nemotron.pod.model.LayerWeights;
import dev.inference.nemotron.pod.model.ModelConfig;
import dev.inference.nemotron.pod.model.ModelWeights;
import dev.inference.nemotron.pod.model.Tensor;
import dev.inference.nemotron.pod.model.TinyCheckpoint;
import dev.inference.nemotron.pod.model.TinyCheckpointSpec;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code ndd tiny-checkpoint}: writes a checkpoint with seeded random weights in the real format,
 * from a 2-layer test model up to a ~1B-parameter benchmark model, and optionally measures how long
 * opening it takes and how much resident memory that costs.
 */
public final class TinyCheckpointCommand implements Command {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  public String name() {
    return "tiny-checkpoint";
  }

  @Override
  public String summary() {
    return "write a checkpoint with seeded random weights (tests, benchmarks)";
  }

  @Override
  public String usage() {
    TinyCheckpointSpec d = TinyCheckpointSpec.defaults();
    return String.join(
        "\n",
        "  --out DIR                   directory to write (created; files replaced)",
        "  --hidden N                  hidden size (default " + d.hidden() + ")",
        "  --layers N                  decoder layers (default " + d.layers() + ")",
        "  --intermediate N            MLP width (default " + d.intermediate() + ")",
        "  --heads N                   query heads (default " + d.heads() + ")",
        "  --kv-heads N                key/value heads (default " + d.kvHeads() + ")",
        "  --head-dim N                per-head width (default " + d.headDim() + ")",
        "  --vocab N                   tokenizer vocabulary (default " + d.vocab() + ")",
        "  --dtype bf16|f16|f32        tensor format (default bf16)",
        "  --seed S                    random seed (default " + d.seed() + ")",
        "  --original-max-positions N  YaRN original context (default "
            + d.originalMaxPositions()
            + ")",
        "  --rope-theta X              RoPE base (default " + d.ropeTheta() + ")",
        "  --rope-factor X             YaRN factor (default " + d.ropeFactor() + ")",
        "  --shards N                  safetensors shards (default 1: model.safetensors)",
        "  --lora-rank R               also write a draft adapter of rank R (default 0: none)",
        "  --tokenizer DIR             copy this tokenizer (tokenizer.json +"
            + " tokenizer_config.json) and use its vocabulary",
        "  --measure-load              then open the checkpoint, report time and resident memory",
        "  --json                      print one JSON document");
  }

  @Override
  public void run(CommandArgs args, PrintStream out) throws Exception {
    TinyCheckpointSpec d = TinyCheckpointSpec.defaults();
    Path dir = args.path("out");
    Path tokenizer = args.has("tokenizer") ? args.existingPath("tokenizer") : null;
    TinyCheckpointSpec spec;
    try {
      spec =
          new TinyCheckpointSpec(
              args.integer("hidden", d.hidden()),
              args.integer("layers", d.layers()),
              args.integer("intermediate", d.intermediate()),
              args.integer("heads", d.heads()),
              args.integer("kv-heads", d.kvHeads()),
              args.integer("head-dim", d.headDim()),
              args.integer("vocab", tokenizer == null ? d.vocab() : 0),
              dtype(args.string("dtype", "bf16")),
              args.longValue("seed", d.seed()),
              args.integer("original-max-positions", d.originalMaxPositions()),
              args.decimal("rope-theta", d.ropeTheta()),
              args.decimal("rope-factor", d.ropeFactor()),
              args.integer("shards", d.shards()),
              args.integer("lora-rank", d.loraRank()),
              tokenizer);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    boolean measure = args.flag("measure-load");
    boolean json = args.flag("json");
    args.requireAllUsed();

    long start = System.nanoTime();
    TinyCheckpoint.Written written = TinyCheckpoint.write(spec, dir);
    double writeSeconds = (System.nanoTime() - start) / 1e9;
    LoadMeasurement load = measure ? LoadMeasurement.of(dir) : null;
    if (json) {
      out.println(
          JSON.writerWithDefaultPrettyPrinter()
              .writeValueAsString(toJson(written, spec, writeSeconds, load)));
    } else {
      print(out, written, spec, writeSeconds, load);
    }
  }

  private static DType dtype(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "bf16" -> DType.BF16;
      case "f16" -> DType.F16;
      case "f32" -> DType.F32;
      default -> throw new UsageException("--dtype must be bf16, f16 or f32, got '" + name + "'");
    };
  }

  /**
   * Opening time and this process's resident memory (Linux /proc/self/status, kB) before opening,
   * after opening, and after reading one byte of every page of every tensor: anonymous memory (the
   * heap) must not grow with the model, file-backed memory only once pages are touched, which is
   * what a mapping rather than a copy looks like.
   */
  record LoadMeasurement(
      double openSeconds, int tensors, Memory before, Memory opened, Memory touched) {

    /** VmRSS and its anonymous and file-backed parts, kB; -1 where /proc is unavailable. */
    record Memory(long rssKb, long anonKb, long fileKb) {}

    static LoadMeasurement of(Path dir) throws IOException {
      System.gc();
      Memory before = memory();
      long start = System.nanoTime();
      try (Checkpoint c = Checkpoint.open(dir)) {
        double seconds = (System.nanoTime() - start) / 1e9;
        Memory opened = memory();
        ModelWeights w = c.weights();
        List<Tensor> tensors = new ArrayList<>(List.of(w.embedTokens(), w.finalNorm(), w.lmHead()));
        for (LayerWeights l : w.layers()) {
          tensors.addAll(l.tensors());
        }
        long checksum = 0;
        for (Tensor t : tensors) {
          MemorySegment data = t.data();
          for (long offset = 0; offset < data.byteSize(); offset += 4096) {
            checksum += data.get(ValueLayout.JAVA_BYTE, offset);
          }
        }
        Memory touched = memory();
        if (checksum == Long.MIN_VALUE) {
          throw new IllegalStateException("unreachable: keeps the page reads from being elided");
        }
        return new LoadMeasurement(seconds, tensors.size(), before, opened, touched);
      }
    }

    private static Memory memory() throws IOException {
      Path status = Path.of("/proc/self/status");
      if (!Files.isReadable(status)) {
        return new Memory(-1, -1, -1);
      }
      long rss = -1;
      long anon = -1;
      long file = -1;
      for (String line : Files.readAllLines(status)) {
        long kb =
            line.matches("^\\w+:\\s+\\d+ kB$") ? Long.parseLong(line.replaceAll("\\D", "")) : -1;
        if (line.startsWith("VmRSS:")) {
          rss = kb;
        } else if (line.startsWith("RssAnon:")) {
          anon = kb;
        } else if (line.startsWith("RssFile:")) {
          file = kb;
        }
      }
      return new Memory(rss, anon, file);
    }
  }

  private static ObjectNode toJson(
      TinyCheckpoint.Written w, TinyCheckpointSpec spec, double writeSeconds, LoadMeasurement load)
      throws IOException {
    ObjectNode root = JSON.createObjectNode();
    root.put("dir", w.dir().toAbsolutePath().toString());
    root.put("parameters", w.parameters());
    root.put("bytes", w.bytes());
    root.put("dtype", spec.dtype().name());
    root.put("writeSeconds", writeSeconds);
    ModelConfig c = w.config();
    ObjectNode model = root.putObject("config");
    model.put("hiddenSize", c.hiddenSize());
    model.put("layers", c.numHiddenLayers());
    model.put("intermediateSize", c.intermediateSize());
    model.put("heads", c.numAttentionHeads());
    model.put("kvHeads", c.numKeyValueHeads());
    model.put("headDim", c.headDim());
    model.put("vocabSize", c.vocabSize());
    model.put("maskTokenId", c.maskTokenId());
    model.put("eosTokenId", c.eosTokenIds().getFirst());
    model.put("bosTokenId", c.bosTokenId());
    model.put("maxPositionEmbeddings", c.maxPositionEmbeddings());
    model.put("originalMaxPositionEmbeddings", c.rope().originalMaxPositionEmbeddings());
    var files = root.putArray("files");
    for (Path f : w.files()) {
      files.addObject().put("path", w.dir().relativize(f).toString()).put("bytes", Files.size(f));
    }
    if (load != null) {
      ObjectNode m = root.putObject("load");
      m.put("openSeconds", load.openSeconds());
      m.put("tensors", load.tensors());
      m.set("before", JSON.valueToTree(load.before()));
      m.set("afterOpen", JSON.valueToTree(load.opened()));
      m.set("afterTouchingEveryPage", JSON.valueToTree(load.touched()));
    }
    return root;
  }

  private static void printMemory(PrintStream out, String when, LoadMeasurement.Memory m) {
    out.printf(
        "  memory  %-26s VmRSS %,9d kB (anon %,9d kB, file %,9d kB)%n",
        when, m.rssKb(), m.anonKb(), m.fileKb());
  }

  private static void print(
      PrintStream out,
      TinyCheckpoint.Written w,
      TinyCheckpointSpec spec,
      double writeSeconds,
      LoadMeasurement load)
      throws IOException {
    ModelConfig c = w.config();
    out.printf("wrote %s in %.1f s%n", w.dir().toAbsolutePath(), writeSeconds);
    out.printf(
        "  model   H %d, %d layers, I %d, %d heads x %d (%d kv heads), vocab %d, %s%n",
        c.hiddenSize(),
        c.numHiddenLayers(),
        c.intermediateSize(),
        c.numAttentionHeads(),
        c.headDim(),
        c.numKeyValueHeads(),
        c.vocabSize(),
        spec.dtype().name().toLowerCase(Locale.ROOT));
    out.printf(
        "  rope    yarn theta %s factor %s original %d, max positions %d%n",
        c.rope().theta(),
        c.rope().factor(),
        c.rope().originalMaxPositionEmbeddings(),
        c.maxPositionEmbeddings());
    out.printf(
        "  tokens  bos %d, eos %s, mask %d%n", c.bosTokenId(), c.eosTokenIds(), c.maskTokenId());
    out.printf("  params  %,d%n", w.parameters());
    for (Path f : w.files()) {
      out.printf("  file    %-40s %,15d bytes%n", w.dir().relativize(f), Files.size(f));
    }
    out.printf("  total   %,d bytes%n", w.bytes());
    if (load != null) {
      out.printf(
          "  load    Checkpoint.open validated %d tensors in %.3f s%n",
          load.tensors(), load.openSeconds());
      printMemory(out, "before open", load.before());
      printMemory(out, "after open", load.opened());
      printMemory(out, "after touching every page", load.touched());
    }
  }
}
