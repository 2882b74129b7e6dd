package dev.inference.nemotron.pod.cli;

import dev.inference.nemotron.pod.engine.ForwardPassFactory;
import dev.inference.nemotron.pod.serve.InferenceServer;
import dev.inference.nemotron.pod.serve.PodSandbox;
import dev.inference.nemotron.pod.serve.config.ModelSection;
import dev.inference.nemotron.pod.serve.config.Quantization;
import dev.inference.nemotron.pod.serve.config.RuntimeConfig;
import dev.inference.nemotron.pod.serve.config.ServerSettings;
import dev.inference.nemotron.pod.serve.config.TenantConfig;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.function.UnaryOperator;
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
        "  --host ADDR             listen address (default 0.0.0.0; 127.0.0.1 for loopback only)",
        BackendOption.USAGE
            + "\n                           (without it: runtime.yaml device.class CPU means cpu,"
            + " a GPU class auto)");
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
    if (args.has("backend")) {
      // One server per process: the choice travels as ndd.backend, which InferenceServer reads.
      System.setProperty(ForwardPassFactory.PROPERTY, BackendOption.of(args).name());
    }
    args.requireAllUsed();
    if (port != null && (port < 1 || port > 65535)) {
      throw new UsageException("--port must be in [1, 65535], got " + port);
    }
    PodSandbox sandbox = PodSandbox.fromEnvironment(System.getenv());
    if (sandbox.active()) {
      System.err.println("ndd serve: " + sandbox.describe());
    }
    // Whatever is done to the file's content here is done again to every new version of it.
    Integer listenPort =
        sandbox.port().isPresent() ? Integer.valueOf(sandbox.port().getAsInt()) : port;
    // A pod's port stands in for its own network namespace: outside a pod, loopback only.
    String listenHost = host == null && sandbox.port().isPresent() ? "127.0.0.1" : host;
    UnaryOperator<RuntimeConfig> localize =
        c -> {
          RuntimeConfig local = sandboxed(c, sandbox);
          if (modelDir != null) {
            local = withModelPath(local, modelDir);
          }
          return withListenerIfSet(local, listenPort, listenHost);
        };
    RuntimeConfig config =
        configFile != null
            ? localize.apply(RuntimeConfig.load(sandbox.resolve(configFile)))
            : withListenerIfSet(RuntimeConfig.defaults(modelDir), listenPort, listenHost);
    warnAboutSettingsNotServed(config);
    CountDownLatch stop = new CountDownLatch(1);
    Signal.handle(new Signal("TERM"), s -> stop.countDown());
    Signal.handle(new Signal("INT"), s -> stop.countDown());
    try (InferenceServer server = new InferenceServer(config, System.err)) {
      server.start(configFile == null ? null : sandbox.resolve(configFile), localize);
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

  private static RuntimeConfig withListenerIfSet(RuntimeConfig c, Integer port, String host) {
    return port != null || host != null ? withListener(c, port, host) : c;
  }

  /** Says plainly which requested settings this build of the runtime does not apply yet. */
  private static void warnAboutSettingsNotServed(RuntimeConfig c) {
    if (c.quantization() != Quantization.BF16) {
      System.err.println(
          "ndd serve: quantization "
              + c.quantization().yamlName()
              + ": a BF16 checkpoint's projections are quantized at load; a pre-quantized one"
              + " loads as stored (WEIGHT-FORMATS.md)");
    }
    if (!c.device().isCpu()) {
      System.err.println(
          "ndd serve: warning: device class "
              + c.device().deviceClass()
              + " is requested, but this runtime has only the CPU backend: running on the CPU");
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
