package dev.inference.nemotron.pod.cli;

import dev.inference.nemotron.pod.fetch.CompletionMarker;
import dev.inference.nemotron.pod.fetch.DownloadProgress;
import dev.inference.nemotron.pod.fetch.FetchException;
import dev.inference.nemotron.pod.fetch.FetchSource;
import dev.inference.nemotron.pod.fetch.HubAccess;
import dev.inference.nemotron.pod.fetch.HubFetch;
import dev.inference.nemotron.pod.fetch.RetryPolicy;
import dev.inference.nemotron.pod.serve.PodSandbox;
import java.io.Console;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code ndd fetch}: downloads a checkpoint into a model directory (the operator's download Job and
 * init container), or, with {@code --wait}, waits until another process has (replicas sharing a
 * weight cache; the image has no shell to loop in).
 */
public final class FetchCommand implements Command {
  private static final Pattern DURATION_PART = Pattern.compile("(\\d+)(ms|s|m|h)");
  private static final String DEFAULT_TIMEOUT = "30m";

  private final Map<String, String> env;

  /** Reads the token and endpoint from the process environment. */
  public FetchCommand() {
    this(System.getenv());
  }

  /**
   * Reads {@code HF_TOKEN}, {@code HUGGING_FACE_HUB_TOKEN} and {@code HF_ENDPOINT} from {@code
   * env}, and {@code NDD_POD_ROOT} ({@link PodSandbox}): the local fleet and the contract tests run
   * the pod's exact {@code fetch} arguments, whose {@code --into} is a pod path under {@code
   * /models}.
   */
  public FetchCommand(Map<String, String> env) {
    this.env = Map.copyOf(env);
  }

  @Override
  public String name() {
    return "fetch";
  }

  @Override
  public String summary() {
    return "download a checkpoint into a model directory, or wait for one (--wait)";
  }

  @Override
  public String usage() {
    return String.join(
        "\n",
        "  --source URI          hf://ORG/NAME (downloaded); pvc:// and file:// are read in place"
            + " (nothing to do); s3:// and oci:// are not supported yet",
        "  --revision R          branch, tag or commit (default main)",
        "  --into DIR            model directory (created); DIR/.complete is written last",
        "  --registry-auth DIR   registry credentials for oci:// sources",
        "  --wait                only wait until DIR/.complete exists (replicas of a shared cache)",
        "  --timeout T           with --wait: give up after T, e.g. 90s, 10m, 1h (default "
            + DEFAULT_TIMEOUT
            + ")",
        "environment: HF_TOKEN (or HUGGING_FACE_HUB_TOKEN) for private and gated models;"
            + " HF_ENDPOINT for a mirror (default "
            + HubAccess.DEFAULT_ENDPOINT
            + ")");
  }

  @Override
  public void run(CommandArgs args, PrintStream out) throws Exception {
    PodSandbox sandbox = PodSandbox.fromEnvironment(env);
    if (sandbox.root() != null) {
      System.err.println("ndd fetch: " + sandbox.describe());
    }
    Path into = sandbox.resolve(args.path("into"));
    if (args.flag("wait")) {
      if (args.has("source") || args.has("revision")) {
        throw new UsageException(
            "--wait only waits for DIR/.complete, written by a fetch elsewhere; drop --source and"
                + " --revision");
      }
      Duration timeout = duration(args.string("timeout", DEFAULT_TIMEOUT));
      args.requireAllUsed();
      CompletionMarker.await(into, timeout, out::println);
      return;
    }
    String uri = args.required("source");
    String revision = args.string("revision", "main");
    args.string("registry-auth", null); // only for oci://, which is not fetched yet
    args.requireAllUsed();
    FetchSource source;
    try {
      source = FetchSource.parse(uri);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    switch (source.scheme()) {
      case PVC, FILE ->
          out.println(
              uri
                  + " is read in place (the operator mounts it where the runtime loads from):"
                  + " nothing to download");
      case S3, OCI ->
          throw new FetchException(
              source.scheme().name().toLowerCase(Locale.ROOT)
                  + ":// sources are not supported by this runtime yet; supported: "
                  + FetchSource.SUPPORTED
                  + ". Copy the checkpoint to a PersistentVolumeClaim and use pvc://CLAIM/PATH,"
                  + " or use its hf:// repository");
      case HF -> fetchFromHub(source, revision, into, out);
    }
  }

  private void fetchFromHub(FetchSource source, String revision, Path into, PrintStream out)
      throws Exception {
    HubAccess access = HubAccess.fromEnvironment(env);
    HubFetch fetch =
        new HubFetch(access, RetryPolicy.defaults(), DownloadProgress.forOutput(out, terminal()));
    HubFetch.Result result = fetch.fetch(source, revision, into);
    CompletionMarker.Contents c = result.contents();
    if (result.alreadyComplete()) {
      out.printf(
          "%s is already complete: %s at revision '%s' (commit %s, %d files, %,d bytes)%n",
          into, c.source(), c.revision(), c.commit(), c.files(), c.bytes());
    } else {
      out.printf(
          Locale.ROOT,
          "fetched %d files (%,d bytes) of %s at revision '%s' (commit %s) into %s in %.1f s%n",
          c.files(),
          c.bytes(),
          c.source(),
          c.revision(),
          c.commit(),
          into,
          result.took().toMillis() / 1000.0);
    }
  }

  /**
   * Whether standard output is a terminal, where one progress line redraws in place. Since JDK 22
   * {@link System#console()} may exist without one, hence {@link Console#isTerminal()}.
   */
  private static boolean terminal() {
    Console console = System.console();
    return console != null && console.isTerminal();
  }

  /** {@code 90s}, {@code 10m}, {@code 1h30m}, {@code 500ms}, or ISO-8601 ({@code PT10M}). */
  static Duration duration(String text) {
    String t = text.strip();
    if (t.startsWith("P") || t.startsWith("p")) {
      try {
        return Duration.parse(t);
      } catch (DateTimeParseException e) {
        throw new UsageException("--timeout '" + text + "' is not a duration such as 30m");
      }
    }
    Matcher m = DURATION_PART.matcher(t);
    Duration total = Duration.ZERO;
    int end = 0;
    while (m.find() && m.start() == end) {
      long n = Long.parseLong(m.group(1));
      total =
          total.plus(
              switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
              });
      end = m.end();
    }
    if (end == 0 || end != t.length()) {
      throw new UsageException(
          "--timeout '" + text + "' is not a duration such as 90s, 10m or 1h30m");
    }
    return total;
  }
}
