package dev.inference.nemotron.pod.cli;

import dev.inference.nemotron.pod.serve.InferenceServer;
import dev.inference.nemotron.pod.serve.PodSandbox;
import dev.inference.nemotron.pod.serve.config.ModelSection;
import dev.inference.nemotron.pod.serve.config.RuntimeConfig;
import dev.inference.nemotron.pod.serve.config.ServerSettings;
import dev.inference.nemotron.pod.serve.config.TenantConfig;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import sun.misc.Signal;

/**
 * {@code ndd serve}: the OpenAI-compatible server of the inference pods. With {@code --config} it
 * runs what the operator's ConfigMap says ({@code serve --config /etc/nemotron/runtime.yaml} is the
 * pod's command); with {@code --model DIR} alone it serves a checkpoint directory with the defaults
 * (no tenants: open). SIGTERM (and Ctrl-C) stops admission, lets in-flight requests finish within
 * the drain period, then exits 0.
 */
public final class ServeCommand implements Command {

  @Override
  public String name() {
    return "serve";
  }

  @Override
  public String summary() {
    return "serve the OpenAI-compatible API (/v1/completions, /v1/chat/completions, /metrics)";
  }

  @Override
  public String usage() {
    return String.join(
        "\n",
        "  --config FILE           runtime.yaml, as the operator's ConfigMap writes it",
        "  --model DIR             checkpoint directory (without --config: default settings;",
        "                          with --config: overrides model.path)",
        "  --port N                listen port (default: server.port of the config, else 8080)",
        "  --host ADDR             listen address (default 0.0.0.0; 127.0.0.1 for loopback only)");
  }

  @Override
  public void run(CommandArgs args, PrintStream out) throws Exception {
    if (!args.has("config") && !args.has("model")) {
      throw new UsageException("give --config FILE or --model DIR");
    }
    Path configFile = args.has("config") ? Path.of(args.string("config", null)) : null;
    Path modelDir = args.has("model") ? args.existingPath("model") : null;
    Integer port = args.has("port") ? args.integer("port", 8080) : null;
    String host = args.string("host", null);
    args.requireAllUsed();
    if (port != null && (port < 1 || port > 65535)) {
      throw new UsageException("--port must be in [1, 65535], got " + port);
    }
    PodSandbox sandbox = PodSandbox.fromEnvironment(System.getenv());
    if (sandbox.active()) {
      System.err.println("ndd serve: " + sandbox.describe());
    }
    RuntimeConfig config =
        configFile != null
            ? sandboxed(RuntimeConfig.load(sandbox.resolve(configFile)), sandbox)
            : RuntimeConfig.defaults(modelDir);
    if (sandbox.port().isPresent()) {
      port = sandbox.port().getAsInt();
    }
    if (configFile != null && modelDir != null) {
      config = withModelPath(config, modelDir);
    }
    if (port != null || host != null) {
      config = withListener(config, port, host);
    }
    CountDownLatch stop = new CountDownLatch(1);
    Signal.handle(new Signal("TERM"), s -> stop.countDown());
    Signal.handle(new Signal("INT"), s -> stop.countDown());
    try (InferenceServer server = new InferenceServer(config, System.err)) {
      server.start(configFile == null ? null : sandbox.resolve(configFile));
      System.err.println(
          "ndd serve: model '"
              + server.servedModelName()
              + "' on http://"
              + config.server().host()
              + ":"
              + server.port()
              + "/v1");
      stop.await();
      System.err.println("ndd serve: stopping: no new requests; finishing the ones in flight");
      server.drain();
    }
  }

  /** The configuration with its pod paths (model, tenant key files) as this process sees them. */
  private static RuntimeConfig sandboxed(RuntimeConfig c, PodSandbox sandbox) {
    if (sandbox.root() == null) {
      return c;
    }
    return new RuntimeConfig(
        withModelPath(c, sandbox.resolve(c.model().path())).model(),
        c.quantization(),
        c.device(),
        c.maxContextLength(),
        c.maxConcurrentSequences(),
        c.modes(),
        c.tenants().stream()
            .map(
                t ->
                    new TenantConfig(
                        t.name(),
                        sandbox.resolve(t.apiKeyFile()),
                        t.tokensPerMinute(),
                        t.maxConcurrentRequests(),
                        t.weight()))
            .toList(),
        c.server());
  }

  private static RuntimeConfig withModelPath(RuntimeConfig c, Path dir) {
    ModelSection m = c.model();
    return new RuntimeConfig(
        new ModelSection(
            m.size(), m.variant(), dir, m.source(), m.revision(), m.draftAdapter(), m.servedName()),
        c.quantization(),
        c.device(),
        c.maxContextLength(),
        c.maxConcurrentSequences(),
        c.modes(),
        c.tenants(),
        c.server());
  }

  private static RuntimeConfig withListener(RuntimeConfig c, Integer port, String host) {
    ServerSettings s = c.server();
    return new RuntimeConfig(
        c.model(),
        c.quantization(),
        c.device(),
        c.maxContextLength(),
        c.maxConcurrentSequences(),
        c.modes(),
        c.tenants(),
        new ServerSettings(
            port != null ? port : s.port(),
            host != null ? host : s.host(),
            s.maxQueuedRequests(),
            s.maxBodyBytes(),
            s.requestTimeoutSeconds(),
            s.drainSeconds(),
            s.maxBatchRows(),
            s.prefillChunk()));
  }
}
