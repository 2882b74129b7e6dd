package dev.inference.nemotron.pod.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.inference.nemotron.pod.load.LevelResult;
import dev.inference.nemotron.pod.load.LoadException;
import dev.inference.nemotron.pod.load.LoadGenerator;
import dev.inference.nemotron.pod.load.LoadPlan;
import dev.inference.nemotron.pod.load.LoadReport;
import dev.inference.nemotron.pod.serve.config.RequestMode;
import java.io.PrintStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code ndd load}: a load generator for benchmarks against any OpenAI-compatible server. At each
 * concurrency level, that many clients send streamed greedy completions back to back; per level it
 * reports requests ok/refused/failed, aggregate generated tokens per second and its speed-up over
 * the first level, and nearest-rank p50/p95 of time to first token, inter-token latency and request
 * latency; then the server's tokens per forward and batch rows from {@code /metrics}.
 */
public final class LoadCommand implements Command {
  /** The environment variable read when {@code --api-key} is absent. */
  public static final String API_KEY_ENV = "NDD_API_KEY";

  static final String DEFAULT_PROMPT =
      "Write a detailed story about a lighthouse keeper who finds a message in a bottle.";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<String, String> env;

  /** Reads {@value #API_KEY_ENV} from the process environment. */
  public LoadCommand() {
    this(System.getenv());
  }

  /** Reads {@value #API_KEY_ENV} from {@code env}. */
  public LoadCommand(Map<String, String> env) {
    this.env = Map.copyOf(env);
  }

  @Override
  public String name() {
    return "load";
  }

  @Override
  public String summary() {
    return "benchmark a server: tokens/s, TTFT, ITL and latency at rising concurrency";
  }

  @Override
  public String usage() {
    return String.join(
        "\n",
        "  --url URL                server, e.g. http://127.0.0.1:8080 (a trailing /v1 is fine)",
        "  --model NAME             the model field of every request",
        "  --concurrency 1,4,16,32  clients per level, in the order run (the first is the"
            + " speed-up's baseline)",
        "  --requests-per-level N   requests per level (default 2 x clients, at least 4)",
        "  --max-tokens M           tokens generated per request, in full (default 64)",
        "  --prompt TEXT            the prompt (default a short story request)",
        "  --mode MODE              "
            + String.join("|", RequestMode.apiNames())
            + " (default: the server's choice)",
        "  --api-key KEY            bearer key (default: environment " + API_KEY_ENV + ")",
        "  --chat                   /v1/chat/completions with the prompt as the user message",
        "  --warmup N               unmeasured requests before the first level (default 2)",
        "  --retries N              retries of a request answered 429, after its Retry-After"
            + " (default 3)",
        "  --json                   print one JSON object instead of the table",
        "percentiles are nearest-rank over the level's successful requests; ITL per request is"
            + " (last text chunk - first text chunk) / (completion tokens - 1)");
  }

  @Override
  public void run(CommandArgs args, PrintStream out) throws Exception {
    LoadPlan plan = plan(args);
    boolean json = args.flag("json");
    args.requireAllUsed();
    List<LevelResult> done = new ArrayList<>();
    Consumer<LevelResult> onLevel =
        level -> {
          done.add(level);
          if (!json) {
            LoadReport.lines(level, done.get(0)).forEach(out::println);
            out.flush();
          }
        };
    if (!json) {
      LoadReport.header(plan).forEach(out::println);
      out.flush();
    }
    LoadReport report = new LoadGenerator(plan).run(onLevel);
    if (json) {
      out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(report.toJson()));
    } else {
      report.serverLines().forEach(out::println);
    }
    if (report.noneSucceeded()) {
      throw new LoadException("no request succeeded; the first failure: " + report.firstFailure());
    }
  }

  private LoadPlan plan(CommandArgs args) {
    URI url = baseUrl(args.required("url"));
    String model = args.required("model");
    List<Integer> levels = Arrays.stream(args.integers("concurrency")).boxed().toList();
    if (levels.stream().anyMatch(c -> c < 1)) {
      throw new UsageException("--concurrency levels must be >= 1, got " + levels);
    }
    int requests = args.integer("requests-per-level", 0);
    if (args.has("requests-per-level") && requests < 1) {
      throw new UsageException("--requests-per-level must be >= 1");
    }
    int maxTokens = args.integer("max-tokens", 64);
    if (maxTokens < 1) {
      throw new UsageException("--max-tokens must be >= 1");
    }
    String prompt = args.string("prompt", DEFAULT_PROMPT);
    if (prompt.isEmpty()) {
      throw new UsageException("--prompt must not be empty");
    }
    String mode = args.string("mode", null);
    if (mode != null && RequestMode.fromApiName(mode).isEmpty()) {
      throw new UsageException(
          "--mode must be one of " + String.join(", ", RequestMode.apiNames()) + ", got " + mode);
    }
    String apiKey = args.string("api-key", env.get(API_KEY_ENV));
    if (apiKey != null && apiKey.isBlank()) {
      apiKey = null;
    }
    boolean chat = args.flag("chat");
    int warmup = args.integer("warmup", 2);
    int retries = args.integer("retries", 3);
    if (warmup < 0 || retries < 0) {
      throw new UsageException("--warmup and --retries must be >= 0");
    }
    return new LoadPlan(
        url, model, levels, requests, maxTokens, prompt, mode, apiKey, chat, warmup, retries);
  }

  /** {@code http(s)://host[:port]}, without a trailing slash or {@code /v1}. */
  static URI baseUrl(String text) {
    String t = text.strip();
    while (t.endsWith("/")) {
      t = t.substring(0, t.length() - 1);
    }
    if (t.endsWith("/v1")) {
      t = t.substring(0, t.length() - 3);
    }
    URI uri;
    try {
      uri = new URI(t);
    } catch (URISyntaxException e) {
      throw new UsageException("--url '" + text + "' is not a URL such as http://127.0.0.1:8080");
    }
    boolean web = "http".equals(uri.getScheme()) || "https".equals(uri.getScheme());
    if (!web || uri.getHost() == null) {
      throw new UsageException(
          "--url '" + text + "' must be http://HOST:PORT or https://HOST:PORT");
    }
    if (uri.getQuery() != null || uri.getFragment() != null) {
      throw new UsageException("--url '" + text + "' must not have a query or fragment");
    }
    return uri;
  }
}
