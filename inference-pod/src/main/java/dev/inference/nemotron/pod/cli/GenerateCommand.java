package dev.inference.nemotron.pod.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.inference.nemotron.pod.decode.DecodeRequest;
import dev.inference.nemotron.pod.decode.DecodeResult;
import dev.inference.nemotron.pod.decode.DecodingMode;
import dev.inference.nemotron.pod.decode.SamplingParams;
import dev.inference.nemotron.pod.decode.TokenListener;
import dev.inference.nemotron.pod.engine.ForwardPassFactory.Backend;
import dev.inference.nemotron.pod.engine.KvCache;
import dev.inference.nemotron.pod.model.QuantizationPlan;
import dev.inference.nemotron.pod.serve.ModelRuntime;
import dev.inference.nemotron.pod.serve.RequestException;
import dev.inference.nemotron.pod.tokenizer.ChatMessage;
import dev.inference.nemotron.pod.tokenizer.StreamingDecoder;
import dev.inference.nemotron.pod.tokenizer.Tokenizer;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code ndd generate}: decodes a prompt in one of the four modes of MODEL.md §6 on the CPU and
 * prints the text (streamed as tokens are verified) or, with {@code --json}, the ids, text and the
 * mode's figures (forwards, TPF, acceptance, diffusion steps).
 */
public final class GenerateCommand implements Command {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final double DEFAULT_THRESHOLD = 0.9;
  // Long enough for a small model's kernels to be compiled before the first token; one or two
  // forwards of a 1B model, whose first forward already runs its loops long enough to compile them.
  private static final Duration WARM_UP = Duration.ofMillis(250);

  @Override
  public String name() {
    return "generate";
  }

  @Override
  public String summary() {
    return "generate text in one decoding mode (ar, diffusion, linear-spec, quadratic-spec)";
  }

  @Override
  public String usage() {
    return String.join(
        "\n",
        "  --model DIR             checkpoint directory (config.json, safetensors, tokenizer)",
        "  --prompt TEXT           prompt text, encoded by the checkpoint's tokenizer",
        "  --ids 1,2,3             prompt token ids instead of --prompt",
        "  --chat                  wrap --prompt as a user turn of the chat format",
        "  --thinking              with --chat: open a think block (default: empty one)",
        "  --mode M                ar | diffusion | linear-spec | quadratic-spec (default ar)",
        "  --max-tokens N          most tokens to generate (default 64)",
        "  --temperature T         0 = greedy (default 0)",
        "  --top-k K               keep the K most likely tokens; 0 = all (default 0)",
        "  --top-p P               nucleus sampling mass in (0, 1] (default 1)",
        "  --seed S                sampling seed (default: random, printed with --json)",
        "  --block-size B          diffusion / self-speculation block (default: config block_size)",
        "  --threshold X           diffusion reveal confidence in [0, 1] (default 0.9)",
        "  --lora DIR|none         draft adapter (default: MODEL/linear_spec_lora when present)",
        "  --stop STR              stop once the text contains STR (repeatable)",
        "  --ignore-eos            do not stop at EOS (fixed-length runs for measurements)",
        "  --json                  print one JSON object with ids, text and figures",
        "  --quantization Q        bf16 (as stored, default), int8, int4 or fp8 (+head to"
            + " quantize the LM head too): a BF16 checkpoint is quantized at load",
        BackendOption.USAGE);
  }

  /** The {@code --quantization} option (shared with bench): null for the weights as stored. */
  static QuantizationPlan quantization(CommandArgs args) {
    try {
      return QuantizationPlan.parse(args.string("quantization", "bf16"));
    } catch (IllegalArgumentException e) {
      throw new UsageException("--" + e.getMessage());
    }
  }

  @Override
  public void run(CommandArgs args, PrintStream out) throws Exception {
    Path modelDir = args.existingPath("model");
    boolean hasPrompt = args.has("prompt");
    if (hasPrompt == args.has("ids")) {
      throw new UsageException("give exactly one of --prompt TEXT or --ids 1,2,3");
    }
    String prompt = hasPrompt ? args.required("prompt") : null;
    int[] ids = hasPrompt ? null : args.integers("ids");
    boolean chat = args.flag("chat");
    boolean thinking = args.flag("thinking");
    if ((chat || thinking) && !hasPrompt) {
      throw new UsageException("--chat and --thinking need --prompt TEXT");
    }
    if (thinking && !chat) {
      throw new UsageException("--thinking applies to --chat only");
    }
    DecodingMode mode = mode(args.string("mode", "ar"));
    int maxTokens = args.integer("max-tokens", 64);
    double temperature = args.decimal("temperature", 0);
    int topK = args.integer("top-k", 0);
    double topP = args.decimal("top-p", 1);
    long seed = args.has("seed") ? args.longValue("seed", 0) : new SecureRandom().nextLong();
    if (args.has("block-size") && mode == DecodingMode.AUTOREGRESSIVE) {
      throw new UsageException("--block-size does not apply to --mode ar");
    }
    if (args.has("threshold") && mode != DecodingMode.DIFFUSION) {
      throw new UsageException("--threshold applies to --mode diffusion only");
    }
    Integer blockSize = args.has("block-size") ? args.integer("block-size", 0) : null;
    double threshold = args.decimal("threshold", DEFAULT_THRESHOLD);
    String lora = args.string("lora", null);
    List<String> stops = args.strings("stop");
    boolean ignoreEos = args.flag("ignore-eos");
    boolean json = args.flag("json");
    QuantizationPlan quantization = quantization(args);
    Backend backend = BackendOption.of(args);
    args.requireAllUsed();

    long loadStart = System.nanoTime();
    try (ModelRuntime runtime =
        ModelRuntime.load(modelDir, Optional.ofNullable(lora), 0, quantization, backend, WARM_UP)) {
      Tokenizer tokenizer = runtime.tokenizer();
      int[] promptIds =
          hasPrompt
              ? chat
                  ? runtime.chatPrompt(List.of(new ChatMessage("user", prompt)), thinking)
                  : tokenizer.encode(prompt)
              : ids;
      if (promptIds.length == 0) {
        throw new UsageException("the prompt encodes to no tokens");
      }
      int block = blockSize == null ? runtime.config().blockSize() : blockSize;
      ModelRuntime.Plan plan;
      try {
        plan =
            runtime.plan(
                promptIds,
                new ModelRuntime.Options(
                    mode,
                    maxTokens,
                    temperature,
                    topK,
                    topP,
                    seed,
                    stops,
                    ignoreEos,
                    block,
                    threshold));
      } catch (RequestException e) {
        // The runtime names the API fields; the CLI user typed the options.
        throw new UsageException(
            e.getMessage()
                .replace("max_tokens", "--max-tokens")
                .replace("top_k", "--top-k")
                .replace("top_p", "--top-p")
                .replace("temperature", "--temperature"));
      }
      KvCache cache = runtime.model().newCache(plan.cachePositions());
      double loadSeconds = (System.nanoTime() - loadStart) / 1e9;

      // Stream text unless stop strings must first be cut off or JSON is asked for.
      boolean stream = !json && stops.isEmpty();
      StreamingDecoder streaming = tokenizer.streamingDecoder(true);
      TokenTimes times = new TokenTimes();
      TokenListener listener =
          stream
              ? id -> {
                times.record();
                out.print(streaming.push(id));
                out.flush();
              }
              : id -> times.record();
      long start = System.nanoTime();
      DecodeResult result =
          plan.decoder()
              .decode(
                  runtime.model(),
                  cache,
                  new DecodeRequest(
                      plan.prompt(),
                      plan.sampling(),
                      emitted -> tokenizer.decode(emitted, true),
                      listener));
      double seconds = (System.nanoTime() - start) / 1e9;
      String text = cutAtStop(tokenizer.decode(result.ids(), true), stops);
      if (json) {
        out.println(
            JSON.writeValueAsString(
                report(
                    result,
                    text,
                    promptIds.length,
                    seconds,
                    loadSeconds,
                    times,
                    plan.sampling(),
                    block,
                    threshold,
                    runtime.hasDraftAdapter())));
      } else {
        out.println(stream ? streaming.finish() : text);
        System.err.printf(
            Locale.ROOT,
            "[%s] %d tokens, %d forwards, %.3f tokens/forward, %.2f s, stop %s;"
                + " first token %.2f s after process start, then %.2f tokens/s%n",
            mode.cliName(),
            result.tokens(),
            result.forwards(),
            result.tokensPerForward(),
            seconds,
            result.stopReason(),
            times.firstTokenSecondsSinceStart(),
            times.steadyTokensPerSecond());
      }
    }
  }

  private static DecodingMode mode(String name) {
    try {
      return DecodingMode.parse(name);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--mode: " + e.getMessage());
    }
  }

  /**
   * The text up to the earliest stop string (OpenAI semantics: the stop string is not returned).
   */
  static String cutAtStop(String text, List<String> stops) {
    int cut = text.length();
    for (String stop : stops) {
      int at = text.indexOf(stop);
      if (at >= 0) {
        cut = Math.min(cut, at);
      }
    }
    return text.substring(0, cut);
  }

  private static ObjectNode report(
      DecodeResult r,
      String text,
      int promptTokens,
      double seconds,
      double loadSeconds,
      TokenTimes times,
      SamplingParams params,
      int blockSize,
      double threshold,
      boolean draftAdapter) {
    ObjectNode root = JSON.createObjectNode();
    root.put("mode", r.mode().cliName());
    ArrayNode ids = root.putArray("ids");
    for (int id : r.ids()) {
      ids.add(id);
    }
    root.put("text", text);
    root.put("promptTokens", promptTokens);
    root.put("tokens", r.tokens());
    root.put("forwards", r.forwards());
    root.put("tokensPerForward", r.tokensPerForward());
    root.put("seconds", seconds);
    root.put("tokensPerSecond", seconds > 0 ? r.tokens() / seconds : 0);
    root.put("loadSeconds", loadSeconds);
    root.put("firstTokenSecondsSinceStart", times.firstTokenSecondsSinceStart());
    root.put("steadyTokensPerSecond", times.steadyTokensPerSecond());
    root.put("stopReason", r.stopReason().name());
    root.put("temperature", params.temperature());
    root.put("topK", params.topK());
    root.put("topP", params.topP());
    root.put("seed", params.seed());
    if (r.mode() != DecodingMode.AUTOREGRESSIVE) {
      root.put("blockSize", blockSize);
    }
    if (r.mode() == DecodingMode.DIFFUSION) {
      root.put("threshold", threshold);
      ArrayNode steps = root.putArray("diffusionStepsPerBlock");
      r.diffusionStepsPerBlock().forEach(steps::add);
      root.put("meanDiffusionSteps", r.meanDiffusionSteps());
    }
    if (r.mode() == DecodingMode.LINEAR_SPEC || r.mode() == DecodingMode.QUADRATIC_SPEC) {
      root.put("rounds", r.rounds());
      root.put("draftedTokens", r.draftedTokens());
      root.put("acceptedTokens", r.acceptedTokens());
      root.put("meanAcceptanceLength", r.meanAcceptanceLength());
      root.put("draftAdapter", draftAdapter);
    }
    root.put("cachedTokens", r.cachedTokens());
    return root;
  }

  /**
   * When tokens were emitted: the first one against the process's start (what a user waits for, JVM
   * start-up and loading included), and the rate after it (the prompt's forward and the first token
   * excluded), which is what {@code ndd bench}'s one-row rate predicts for AR decoding.
   */
  static final class TokenTimes {
    private long firstWallMillis = -1;
    private long firstNanos;
    private long lastNanos;
    private int count;

    void record() {
      long now = System.nanoTime();
      if (count++ == 0) {
        firstWallMillis = System.currentTimeMillis();
        firstNanos = now;
      }
      lastNanos = now;
    }

    /** Seconds from the JVM's start to the first token; 0 when none was emitted. */
    double firstTokenSecondsSinceStart() {
      return firstWallMillis < 0
          ? 0
          : (firstWallMillis - ManagementFactory.getRuntimeMXBean().getStartTime()) / 1e3;
    }

    /** Tokens after the first over the time since the first; 0 with fewer than two tokens. */
    double steadyTokensPerSecond() {
      return count < 2 || lastNanos == firstNanos
          ? 0
          : (count - 1) / ((lastNanos - firstNanos) / 1e9);
    }
  }
}
