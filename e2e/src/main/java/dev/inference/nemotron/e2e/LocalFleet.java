package dev.inference.nemotron.e2e;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * {@code bin/ndd-fleet}: the local fleet. On a machine with no cluster, no GPU and no Docker it
 * runs a {@linkplain StandInApi stand-in Kubernetes API} with the fleet CRD, the real operator
 * against it as a child process, a {@link Kubelet} that runs each replica of the fleets'
 * Deployments as a real {@code ndd serve} process, and a {@link LoadBalancer} in front of the ready
 * ones. Then it applies a fleet resource (the bundled example on a generated tiny checkpoint, or
 * {@code --cr FILE}) and prints a status line whenever a fleet changes. Ctrl-C or SIGTERM stops
 * everything it started. A development and test harness, never a substitute for a cluster.
 */
public final class LocalFleet implements AutoCloseable {

  static final String EXAMPLE = "local-fleet-example.yaml";
  static final String EXAMPLE_URI = "file:///var/lib/ndd/models/tiny";

  /**
   * What to run.
   *
   * @param cr the fleet resource file; null: the bundled example on a generated checkpoint
   * @param port the load balancer's port (0: a free one)
   * @param apiPort the stand-in API's port (0: a free one)
   * @param work where pods' roots, logs and the generated checkpoint go; null: a temporary
   *     directory
   * @param operatorProperties system properties of the operator process (its settings, e.g. {@code
   *     nemotron.autoscaler.interval}); empty: its defaults
   */
  public record Options(
      Path cr, int port, int apiPort, Path work, Map<String, String> operatorProperties) {

    public Options {
      operatorProperties = Map.copyOf(operatorProperties);
    }

    /** Options with the operator's default settings. */
    public Options(Path cr, int port, int apiPort, Path work) {
      this(cr, port, apiPort, work, Map.of());
    }

    static Options parse(String[] args) {
      Path cr = null;
      int port = 8080;
      int apiPort = 0;
      Path work = null;
      for (int i = 0; i < args.length; i++) {
        String arg = args[i];
        if (arg.equals("-h") || arg.equals("--help")) {
          throw new IllegalArgumentException("");
        }
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(arg + " needs a value");
        }
        String value = args[++i];
        switch (arg) {
          case "--cr" -> cr = Path.of(value);
          case "--port" -> port = Integer.parseInt(value);
          case "--api-port" -> apiPort = Integer.parseInt(value);
          case "--work" -> work = Path.of(value);
          default -> throw new IllegalArgumentException("unknown option " + arg);
        }
      }
      return new Options(cr, port, apiPort, work);
    }
  }

  static final String USAGE =
      String.join(
          "\n",
          "usage: ndd-fleet [--cr FILE] [--port N] [--api-port N] [--work DIR]",
          "  --cr FILE      a NemotronDiffusionDeployment (and Secrets) to apply; default: a bundled",
          "                 CPU example on a tiny checkpoint generated first",
          "  --port N       the load balancer (the fleet's Service) on 127.0.0.1 (default 8080)",
          "  --api-port N   the stand-in Kubernetes API on 127.0.0.1 (default: a free port)",
          "  --work DIR     pod roots, logs, generated checkpoint (default: a new temporary dir)");

  private final Options options;
  private final Project project;
  private final Consumer<String> log;
  private final List<AutoCloseable> started = new ArrayList<>();
  private final Map<String, String> statusLines = new ConcurrentHashMap<>();
  private Path work;
  private StandInApi api;
  private ChildProcess operator;
  private Kubelet kubelet;
  private LoadBalancer balancer;
  private List<HasMetadata> applied = List.of();

  public LocalFleet(Options options, Project project, Consumer<String> log) {
    this.options = options;
    this.project = project;
    this.log = log;
  }

  /** Starts every part, then applies the resource; on failure stops what it started. */
  public synchronized LocalFleet start() throws Exception {
    try {
      work =
          options.work() == null
              ? Files.createTempDirectory("ndd-fleet-")
              : Files.createDirectories(options.work().toAbsolutePath());
      Path logs = work.resolve("logs");
      List<HasMetadata> items = resources();
      List<String> hostPaths = hostPaths(items);

      api = StandInApi.start(options.apiPort());
      started.add(api);
      log.accept(
          StandInApi.NAME + " at " + api.url() + " (no controllers, no scheduler: a stand-in)");
      api.apply(project.crd());
      log.accept("created the CRD from " + project.root().relativize(project.crd()));

      int operatorPort = FreePort.find();
      operator =
          OperatorProcess.start(
              project,
              api.url(),
              hostPaths,
              operatorPort,
              options.operatorProperties(),
              work,
              logs);
      started.add(() -> operator.stop(Duration.ofSeconds(20)));
      log.accept(
          "operator started (pid "
              + operator.pid()
              + ", health http://127.0.0.1:"
              + operatorPort
              + "/q/health, log "
              + operator.log()
              + ")");

      kubelet = new Kubelet(api.client(), project, work, log);
      started.add(kubelet);
      kubelet.start();

      balancer = LoadBalancer.start(options.port(), kubelet::endpoints);
      started.add(balancer);

      watchFleets();
      watchOperator();
      applied = items.stream().map(this::apply).toList();
      return this;
    } catch (Exception | Error e) {
      close();
      throw e;
    }
  }

  public String apiUrl() {
    return api.url();
  }

  public int port() {
    return balancer.port();
  }

  public KubernetesClient client() {
    return api.client();
  }

  public Path work() {
    return work;
  }

  /** Process ids of the running replicas of Deployment {@code namespace/name}. */
  public List<Long> replicaPids(String namespace, String name) {
    return kubelet.pids(namespace, name);
  }

  /** Process ids of every replica process still alive (any fleet, stopping ones included). */
  public List<Long> allReplicaPids() {
    return kubelet.allPids();
  }

  /** The operator's process, if it still runs. */
  public boolean operatorAlive() {
    return operator != null && operator.isAlive();
  }

  public String operatorLogTail(int lines) {
    return operator == null ? "" : operator.tail(lines);
  }

  /** The operator's log file (stdout and stderr). */
  public Path operatorLog() {
    return operator.log();
  }

  public List<HasMetadata> applied() {
    return applied;
  }

  /** What was applied, with where to reach it. */
  void printSummary(PrintStream out) {
    out.println();
    out.println(
        "local fleet up (" + StandInApi.NAME + ", real operator, real ndd serve processes)");
    out.println("  endpoint (load balancer):  http://127.0.0.1:" + port() + "/v1");
    out.println("  stand-in Kubernetes API:   " + api.url());
    for (HasMetadata item : applied) {
      if (Kubelet.FLEET_KIND.equals(item.getKind())) {
        out.println(
            "  fleet:  curl -s "
                + api.url()
                + "/apis/nemotron.inference.dev/v1alpha1/namespaces/"
                + item.getMetadata().getNamespace()
                + "/nemotrondiffusiondeployments/"
                + item.getMetadata().getName());
        out.println(
            "  scale:  curl -s -X PUT -H 'Content-Type: application/json' "
                + api.url()
                + "/apis/apps/v1/namespaces/"
                + item.getMetadata().getNamespace()
                + "/deployments/"
                + item.getMetadata().getName()
                + "/scale -d '{\"spec\":{\"replicas\":2}}'");
        // The runtime serves the model under the resource's name (runtime.yaml model.servedName).
        out.println(
            "  try:    curl -s http://127.0.0.1:"
                + port()
                + "/v1/completions -H 'Content-Type: application/json' -d"
                + " '{\"model\":\""
                + item.getMetadata().getName()
                + "\",\"prompt\":\"Hello\",\"max_tokens\":16}'");
      }
    }
    out.println("  work directory (pod roots, logs): " + work);
    out.println("Ctrl-C stops everything.");
    out.println();
  }

  private List<HasMetadata> resources() throws IOException, InterruptedException {
    KubernetesClient parser = new io.fabric8.kubernetes.client.KubernetesClientBuilder().build();
    try {
      String yaml;
      if (options.cr() != null) {
        yaml = Files.readString(options.cr());
      } else {
        Path checkpoint = work.resolve("models/tiny");
        generateCheckpoint(checkpoint);
        try (InputStream in = LocalFleet.class.getResourceAsStream(EXAMPLE)) {
          yaml =
              new String(Objects.requireNonNull(in, EXAMPLE).readAllBytes(), StandardCharsets.UTF_8)
                  .replace(EXAMPLE_URI, "file://" + checkpoint);
        }
        log.accept("bundled example fleet on the generated checkpoint " + checkpoint);
      }
      List<HasMetadata> items =
          parser.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))).items();
      for (HasMetadata item : items) {
        if (item.getMetadata().getNamespace() == null) {
          item.getMetadata().setNamespace("default");
        }
      }
      return items;
    } finally {
      parser.close();
    }
  }

  private void generateCheckpoint(Path dir) throws IOException, InterruptedException {
    log.accept("generating a tiny checkpoint: ndd tiny-checkpoint --out " + dir + " --lora-rank 4");
    ChildProcess gen =
        ChildProcess.start(
            "tiny-checkpoint",
            project.ndd(List.of("tiny-checkpoint", "--out", dir.toString(), "--lora-rank", "4")),
            work,
            Map.of(),
            work.resolve("logs"));
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    while (gen.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    if (gen.isAlive() || gen.exitCode() != 0) {
      String tail = gen.tail(20);
      gen.stop(Duration.ofSeconds(5));
      throw new IOException("ndd tiny-checkpoint failed:\n" + tail);
    }
    gen.stop(Duration.ZERO);
  }

  /** Node directories of the resources' file:// sources: the operator allows exactly these. */
  private static List<String> hostPaths(List<HasMetadata> items) {
    List<String> paths = new ArrayList<>();
    for (HasMetadata item : items) {
      if (item instanceof GenericKubernetesResource g && Kubelet.FLEET_KIND.equals(g.getKind())) {
        Object uri = g.get("spec", "model", "source", "uri");
        if (uri instanceof String s && s.startsWith("file://")) {
          paths.add(Path.of(s.substring("file://".length())).normalize().toString());
        }
      }
    }
    return paths;
  }

  private HasMetadata apply(HasMetadata item) {
    HasMetadata result;
    if (item instanceof GenericKubernetesResource g && Kubelet.FLEET_KIND.equals(g.getKind())) {
      result =
          api.client()
              .genericKubernetesResources(Kubelet.FLEETS)
              .inNamespace(g.getMetadata().getNamespace())
              .resource(g)
              .createOr(existing -> existing.update());
    } else {
      result = api.apply(item);
    }
    log.accept(
        "applied "
            + item.getKind()
            + " "
            + item.getMetadata().getNamespace()
            + "/"
            + item.getMetadata().getName());
    return result;
  }

  private void watchFleets() {
    SharedIndexInformer<GenericKubernetesResource> informer =
        api.client()
            .genericKubernetesResources(Kubelet.FLEETS)
            .inAnyNamespace()
            .inform(
                new ResourceEventHandler<>() {
                  @Override
                  public void onAdd(GenericKubernetesResource fleet) {
                    show(fleet);
                  }

                  @Override
                  public void onUpdate(
                      GenericKubernetesResource before, GenericKubernetesResource after) {
                    show(after);
                  }

                  @Override
                  public void onDelete(GenericKubernetesResource fleet, boolean unknown) {
                    String key = key(fleet);
                    statusLines.remove(key);
                    log.accept("fleet " + key + " deleted");
                  }
                });
    started.add(informer::close);
  }

  /** Says so, with the end of its log, when the operator exits. */
  private void watchOperator() {
    ChildProcess watched = operator;
    Thread watcher =
        Thread.ofPlatform()
            .daemon()
            .name("operator-watch")
            .start(
                () -> {
                  try {
                    while (watched.isAlive()) {
                      Thread.sleep(1000);
                    }
                    log.accept(
                        "the operator exited with "
                            + watched.exitCode()
                            + "; the end of "
                            + watched.log()
                            + ":\n"
                            + watched.tail(20));
                  } catch (InterruptedException e) {
                    // stopping
                  }
                });
    started.add(watcher::interrupt);
  }

  private void show(GenericKubernetesResource fleet) {
    String line = statusLine(fleet);
    String before = statusLines.put(key(fleet), line);
    if (!line.equals(before)) {
      log.accept(line);
    }
  }

  /** Like {@code kubectl get ndd}: replicas, ready, and the Ready condition. */
  static String statusLine(GenericKubernetesResource fleet) {
    Object replicas = fleet.get("status", "replicas");
    Object ready = fleet.get("status", "readyReplicas");
    String condition = "Ready=?";
    Object conditions = fleet.get("status", "conditions");
    if (conditions instanceof List<?> list) {
      for (Object c : list) {
        if (c instanceof Map<?, ?> m && "Ready".equals(m.get("type"))) {
          condition =
              "Ready="
                  + m.get("status")
                  + (m.get("reason") == null ? "" : " (" + m.get("reason") + ")");
        }
      }
    }
    return "fleet %s: replicas %s, ready %s, %s, endpoint %s"
        .formatted(
            key(fleet),
            Objects.requireNonNullElse(replicas, 0),
            Objects.requireNonNullElse(ready, 0),
            condition,
            Objects.requireNonNullElse(fleet.get("status", "endpoint"), "-"));
  }

  private static String key(HasMetadata item) {
    return item.getMetadata().getNamespace() + "/" + item.getMetadata().getName();
  }

  /** Stops everything it started, the last first; each part at most once. */
  @Override
  public synchronized void close() {
    for (int i = started.size() - 1; i >= 0; i--) {
      try {
        started.get(i).close();
      } catch (Exception e) {
        log.accept("stopping: " + e);
      }
    }
    started.clear();
  }

  public static void main(String[] args) throws Exception {
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      if (!e.getMessage().isEmpty()) {
        System.err.println("ndd-fleet: " + e.getMessage());
      }
      System.err.println(USAGE);
      System.exit(e.getMessage().isEmpty() ? 0 : 2);
      return;
    }
    DateTimeFormatter time = DateTimeFormatter.ofPattern("HH:mm:ss");
    LocalFleet fleet =
        new LocalFleet(
            options,
            Project.locate(),
            line -> System.out.println(LocalTime.now().format(time) + " ndd-fleet: " + line));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  System.out.println("ndd-fleet: stopping (replicas, operator, stand-in API) ...");
                  fleet.close();
                  System.out.println("ndd-fleet: stopped");
                  stopped.countDown();
                },
                "ndd-fleet-shutdown"));
    try {
      fleet.start();
    } catch (Exception e) {
      System.err.println("ndd-fleet: " + e.getMessage());
      System.exit(1);
    }
    fleet.printSummary(System.out);
    stopped.await();
  }
}
