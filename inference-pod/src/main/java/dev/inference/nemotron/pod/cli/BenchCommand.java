package dev.inference.nemotron.pod.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.inference.nemotron.pod.engine.AttentionMask;
import dev.inference.nemotron.pod.engine.Chunk;
import dev.inference.nemotron.pod.engine.ForwardPass;
import dev.inference.nemotron.pod.engine.ForwardPassFactory;
import dev.inference.nemotron.pod.engine.ForwardPassFactory.Backend;
import dev.inference.nemotron.pod.engine.KvCache;
import dev.inference.nemotron.pod.engine.KvDtype;
import dev.inference.nemotron.pod.engine.KvPool;
import dev.inference.nemotron.pod.engine.cpu.CpuForwardPass;
import dev.inference.nemotron.pod.engine.cpu.CpuKvCache;
import dev.inference.nemotron.pod.engine.cpu.EngineSettings;
import dev.inference.nemotron.pod.engine.cpu.MemoryBandwidth;
import dev.inference.nemotron.pod.engine.cpu.WorkerPool;
import dev.inference.nemotron.pod.engine.cuda.CudaForwardPass;
import dev.inference.nemotron.pod.model.Checkpoint;
import dev.inference.nemotron.pod.model.LayerWeights;
import dev.inference.nemotron.pod.model.ModelConfig;
import dev.inference.nemotron.pod.model.ModelWeights;
import dev.inference.nemotron.pod.model.QuantizationPlan;
import dev.inference.nemotron.pod.model.Tensor;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * {@code ndd bench}: what a B-row forward costs relative to a one-row forward on this machine, and
 * so the tokens per forward a parallel decoding mode needs before it beats autoregressive decoding
 * (MODEL.md §6: on a CPU that may never happen, and this command is how we find out).
 */
public final class BenchCommand implements Command {
  private static final ObjectMapper JSON = new ObjectMapper();
  // Before any timing: a small model's kernels need ~100 forwards before the JIT has compiled them.
  private static final Duration WARM_UP = Duration.ofSeconds(1);

  @Override
  public String name() {
    return "bench";
  }

  @Override
  public String summary() {
    return "time B-row forwards against 1-row forwards; break-even tokens per forward";
  }

  @Override
  public String usage() {
    return String.join(
        "\n",
        "  --model DIR          checkpoint directory",
        "  --rows 1,8,16,32     chunk sizes B to time (1 is always added: the baseline)",
        "  --iterations N       timed forwards per size (default 5, after 1 warm-up)",
        "  --context C          positions in the cache before each forward (default 64)",
        "  --random-context     fill the cache with random K/V instead of prefill forwards",
        "                       (long contexts in seconds; attention costs the same)",
        "  --draft              also time B-row draft forwards (BIDIRECTIONAL, draft LoRA on)",
        "  --bandwidth-mb M     size of the memory-bandwidth probe (default 1024)",
        "  --json               print one JSON document",
        "  --quantization Q     bf16 (as stored, default), int8, int4, fp8 (+head): quantize"
            + " at load",
        BackendOption.USAGE);
  }

  /** Timings of one chunk size, in milliseconds. */
  record Timing(int rows, double medianMs, double minMs) {}

  @Override
  public void run(CommandArgs args, PrintStream out) throws Exception {
    Path model = args.existingPath("model");
    int[] sizes =
        IntStream.concat(
                IntStream.of(1),
                Arrays.stream(args.has("rows") ? args.integers("rows") : new int[] {1, 8, 16, 32}))
            .distinct()
            .sorted()
            .toArray();
    if (sizes[0] < 1) {
      throw new UsageException("--rows must be positive chunk sizes");
    }
    int iterations = args.integer("iterations", 5);
    int context = args.integer("context", 64);
    boolean draft = args.flag("draft");
    boolean randomContext = args.flag("random-context");
    int bandwidthMb = args.integer("bandwidth-mb", 1024);
    boolean json = args.flag("json");
    QuantizationPlan quantization = GenerateCommand.quantization(args);
    Backend backend = BackendOption.of(args);
    args.requireAllUsed();
    if (iterations < 1 || context < 0 || bandwidthMb < 1) {
      throw new UsageException("--iterations and --bandwidth-mb must be >= 1, --context >= 0");
    }
    if (iterations > MAX_ITERATIONS) {
      throw new UsageException(
          "--iterations must be at most " + MAX_ITERATIONS + ", got " + iterations);
    }
    checkBandwidthProbe(bandwidthMb, physicalMemoryBytes());

    try (Checkpoint checkpoint = Checkpoint.open(model, draft, quantization)) {
      int largest = sizes[sizes.length - 1];
      checkContext(context, largest, checkpoint.config());
      LogitsCommand.checkMemory(
          "--context/--rows",
          context + largest,
          Math.max(largest, Math.min(64, context)),
          largest,
          checkpoint.config(),
          Runtime.getRuntime().maxMemory());
      if (draft && checkpoint.draftAdapter().isEmpty()) {
        throw new UsageException(
            "--draft: " + model + " has no " + Checkpoint.DRAFT_ADAPTER_DIR + "/");
      }
      // Probed first, before the engine allocates anything or warms up.
      EngineSettings settings = EngineSettings.fromSystemProperties();
      WorkerPool pool = WorkerPool.shared(settings.threads());
      double memory = MemoryBandwidth.measureGbPerSecond(pool, (long) bandwidthMb << 20, 5);
      ForwardPass pass =
          ForwardPassFactory.create(
              backend,
              checkpoint.config(),
              checkpoint.weights(),
              checkpoint.draftAdapter(),
              System.err);

      if (pass instanceof CpuForwardPass cpu) {
        cpu.warmUp(WARM_UP);
      }
      // The KV dtype of the server's pool (ndd.kv.dtype), so long-context figures match serving.
      KvCache cache =
          pass.newCache(
              context + largest, new KvPool(Long.MAX_VALUE, KvDtype.fromSystemProperties()));
      Random random = new Random(1);
      long prefillStart = System.nanoTime();
      if (randomContext) {
        if (!(cache instanceof CpuKvCache cpuCache)) {
          throw new UsageException("--random-context fills a CPU cache; run it with --backend cpu");
        }
        cpuCache.appendRandom(context, 1);
      }
      for (int filled = cache.length(); filled < context; ) {
        int n = Math.min(64, context - filled);
        pass.forward(cache, Chunk.causalWrite(randomIds(random, n, pass), filled, new int[0]));
        filled += n;
      }
      double prefillMs = (System.nanoTime() - prefillStart) / 1e6;

      List<Timing> causal = new ArrayList<>();
      List<Timing> drafts = new ArrayList<>();
      for (int b : sizes) {
        causal.add(time(pass, cache, b, iterations, false, random));
        if (draft) {
          drafts.add(time(pass, cache, b, iterations, true, random));
        }
      }
      long weightBytes = forwardWeightBytes(checkpoint.weights());
      Report report =
          new Report(model, pass, context, prefillMs, weightBytes, memory, causal, drafts);
      if (json) {
        out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(report.toJson()));
      } else {
        report.print(out);
      }
    }
  }

  /** Most timed forwards per size: beyond this a run takes days, and the timings fill the heap. */
  static final int MAX_ITERATIONS = 1_000_000;

  /** The cache and the largest chunk must fit the model's context. */
  static void checkContext(int context, int largest, ModelConfig config) {
    if ((long) context + largest > config.maxPositionEmbeddings()) {
      throw new UsageException(
          "--context "
              + context
              + " + the largest --rows "
              + largest
              + " = "
              + ((long) context + largest)
              + " positions exceed the model's context of "
              + config.maxPositionEmbeddings()
              + " positions (max_position_embeddings in config.json)");
    }
  }

  /** The probe allocates its buffer off the heap: at most half this machine's memory. */
  static void checkBandwidthProbe(int bandwidthMb, long physicalBytes) {
    long bytes = (long) bandwidthMb << 20;
    if (physicalBytes > 0 && bytes > physicalBytes / 2) {
      throw new UsageException(
          "--bandwidth-mb "
              + bandwidthMb
              + " exceeds half of this machine's memory ("
              + (physicalBytes >> 20)
              + " MB); the default is 1024");
    }
  }

  private static long physicalMemoryBytes() {
    return ManagementFactory.getOperatingSystemMXBean()
            instanceof com.sun.management.OperatingSystemMXBean os
        ? os.getTotalMemorySize()
        : -1;
  }

  /** CAUSAL, READ_ONLY (the cache does not grow), logits for every row as a verify needs. */
  private static Timing time(
      ForwardPass pass, KvCache cache, int rows, int iterations, boolean draft, Random random) {
    int past = cache.length();
    int[] positions = IntStream.range(past, past + rows).toArray();
    double[] ms = new double[iterations];
    for (int i = -1; i < iterations; i++) {
      Chunk chunk =
          new Chunk(
              randomIds(random, rows, pass),
              positions,
              draft ? AttentionMask.BIDIRECTIONAL : AttentionMask.CAUSAL,
              new int[0],
              Chunk.allRows(rows),
              draft ? Chunk.allRows(rows) : new int[0]);
      long start = System.nanoTime();
      pass.forward(cache, chunk);
      if (i >= 0) {
        ms[i] = (System.nanoTime() - start) / 1e6;
      }
    }
    if (cache.length() != past) {
      throw new IllegalStateException("a READ_ONLY benchmark forward changed the cache");
    }
    Arrays.sort(ms);
    return new Timing(rows, ms[iterations / 2], ms[0]);
  }

  private static int[] randomIds(Random random, int n, ForwardPass pass) {
    int[] ids = new int[n];
    for (int i = 0; i < n; i++) {
      ids[i] = random.nextInt(pass.vocabularySize());
    }
    return ids;
  }

  /** Bytes of every weight one forward streams: all layers, the final norm and the LM head. */
  static long forwardWeightBytes(ModelWeights w) {
    long bytes = bytes(w.finalNorm()) + bytes(w.lmHead());
    for (LayerWeights l : w.layers()) {
      bytes += l.tensors().stream().mapToLong(BenchCommand::bytes).sum();
    }
    return bytes;
  }

  private static long bytes(Tensor t) {
    return t.storedBytes(); // a quantized tensor's scales are read too
  }

  /** The engine line: the CPU settings, or the GPU and its data-sheet bandwidth. */
  static String describe(ForwardPass pass) {
    return switch (pass) {
      case CpuForwardPass cpu -> cpu.settings().describe();
      case CudaForwardPass gpu ->
          String.format(
              Locale.ROOT,
              "engine: cuda on %s (compute %s), data-sheet bandwidth %.0f GB/s",
              gpu.device().name(),
              gpu.device().computeCapability(),
              gpu.device().bandwidthBytesPerSecond() / 1e9);
      default -> "engine: " + pass.getClass().getSimpleName();
    };
  }

  /** The figures of one benchmark run. */
  private record Report(
      Path model,
      ForwardPass pass,
      int context,
      double prefillMs,
      long weightBytes,
      double memoryGbPerSecond,
      List<Timing> causal,
      List<Timing> drafts) {

    double oneRowMs() {
      return causal.getFirst().medianMs();
    }

    ObjectNode toJson() {
      ObjectNode root = JSON.createObjectNode();
      root.put("model", model.toAbsolutePath().toString());
      root.put("engine", describe(pass));
      if (pass instanceof CpuForwardPass cpu) {
        root.put("threads", cpu.settings().threads());
        root.put("kernels", cpu.settings().kernels());
      }
      if (pass instanceof CudaForwardPass gpu) {
        root.put("device", gpu.device().name());
        root.put("devicePeakGbPerSecond", gpu.device().bandwidthBytesPerSecond() / 1e9);
      }
      root.put("context", context);
      root.put("prefillMs", prefillMs);
      root.put("weightBytes", weightBytes);
      root.put("memoryGbPerSecond", memoryGbPerSecond);
      root.put("arTokensPerSecond", 1000 / oneRowMs());
      ArrayNode results = root.putArray("causal");
      for (Timing t : causal) {
        double relative = t.medianMs() / oneRowMs();
        results
            .addObject()
            .put("rows", t.rows())
            .put("medianMs", t.medianMs())
            .put("minMs", t.minMs())
            .put("relativeCost", relative)
            .put("breakEvenTpf", relative)
            .put("linearSpecBreakEvenTokensPerRound", 2 * relative)
            .put("weightGbPerSecond", weightBytes / (t.medianMs() / 1000) / 1e9)
            .put("rowsPerSecond", t.rows() * 1000 / t.medianMs());
      }
      ArrayNode d = root.putArray("draft");
      for (Timing t : drafts) {
        d.addObject()
            .put("rows", t.rows())
            .put("medianMs", t.medianMs())
            .put("minMs", t.minMs())
            .put("relativeCost", t.medianMs() / oneRowMs());
      }
      return root;
    }

    void print(PrintStream out) {
      out.println(describe(pass));
      out.printf(
          Locale.ROOT,
          "model %s: %.2f GB of weights per forward; cache %d positions (prefill %.0f ms)%n",
          model,
          weightBytes / 1e9,
          context,
          prefillMs);
      out.printf(Locale.ROOT, "memory read bandwidth: %.1f GB/s%n", memoryGbPerSecond);
      out.printf(
          Locale.ROOT,
          "%6s %10s %10s %9s %15s %15s %12s %10s%n",
          "rows",
          "median ms",
          "min ms",
          "x 1-row",
          "break-even TPF",
          "LinSpec tok/rnd",
          "weight GB/s",
          "rows/s");
      for (Timing t : causal) {
        double relative = t.medianMs() / oneRowMs();
        out.printf(
            Locale.ROOT,
            "%6d %10.1f %10.1f %9.2f %15.2f %15.2f %12.1f %10.1f%n",
            t.rows(),
            t.medianMs(),
            t.minMs(),
            relative,
            relative,
            2 * relative,
            weightBytes / (t.medianMs() / 1000) / 1e9,
            t.rows() * 1000 / t.medianMs());
      }
      out.printf(Locale.ROOT, "AR (1 row per token): %.2f tokens/s%n", 1000 / oneRowMs());
      for (Timing t : drafts) {
        out.printf(
            Locale.ROOT,
            "draft (LoRA on) %d rows: median %.1f ms, min %.1f ms (x %.2f of a 1-row forward)%n",
            t.rows(),
            t.medianMs(),
            t.minMs(),
            t.medianMs() / oneRowMs());
      }
    }
  }
}
