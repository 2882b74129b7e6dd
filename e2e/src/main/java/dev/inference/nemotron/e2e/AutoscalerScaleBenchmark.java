package dev.inference.nemotron.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;

/**
 * How many fleets one operator replica keeps scraped and decided within their interval (issue 9,
 * "Scale"). Not a test: a command that prints figures for BENCHMARKS.md.
 *
 * <p>The stand-in API (fabric8 mock server, CRUD mode) and the real packaged operator (a child
 * process, as in the local fleet); N fleets of CPU class applied through the API; for each one
 * ready Pod object (this command plays the kubelet) whose metrics endpoint is a STUB on loopback:
 * one JDK HTTP server answering {@code /metrics/snapshot} in the runtime's format with counters
 * that grow with time (no model runs). After a warm-up it reads the operator's own {@code
 * /q/metrics} twice, {@code --measure} apart, and prints the decisions taken against the decisions
 * due (fleets x window / interval), cycles skipped because the previous one still ran, scrape
 * failures, and the cycle time.
 *
 * <pre>
 * java -cp 'e2e/target/e2e-0.1.0-SNAPSHOT.jar:e2e/target/lib/*' \
 *   dev.inference.nemotron.e2e.AutoscalerScaleBenchmark [--fleets 500] [--interval 15s] [--measure 60s]
 * </pre>
 */
public final class AutoscalerScaleBenchmark {

  private static final ObjectMapper JSON = new ObjectMapper();

  private AutoscalerScaleBenchmark() {}

  public static void main(String[] args) throws Exception {
    int fleets = 500;
    Duration interval = Duration.ofSeconds(15);
    Duration measure = Duration.ofSeconds(60);
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--fleets" -> fleets = Integer.parseInt(args[i + 1]);
        case "--interval" -> interval = Duration.parse("PT" + args[i + 1].toUpperCase(Locale.ROOT));
        case "--measure" -> measure = Duration.parse("PT" + args[i + 1].toUpperCase(Locale.ROOT));
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    Project project = Project.locate();
    Path work = Files.createTempDirectory("ndd-scale-bench-");
    long started = System.nanoTime();
    HttpServer stub = stubRuntime();
    try (StandInApi api = StandInApi.start(0)) {
      api.apply(project.crd());
      int operatorPort = FreePort.find();
      ChildProcess operator =
          OperatorProcess.start(
              project,
              api.url(),
              List.of(),
              operatorPort,
              Map.of("nemotron.autoscaler.interval", interval.toMillis() + "ms"),
              work,
              work.resolve("logs"));
      try {
        run(api.client(), fleets, interval, measure, operatorPort, stub.getAddress().getPort());
      } finally {
        operator.stop(Duration.ofSeconds(20));
        System.out.printf(
            "total %.0f s; operator log %s%n", (System.nanoTime() - started) / 1e9, operator.log());
      }
    } finally {
      stub.stop(0);
    }
  }

  private static void run(
      KubernetesClient client,
      int fleets,
      Duration interval,
      Duration measure,
      int operatorPort,
      int stubPort)
      throws Exception {
    String metricsUrl = "http://127.0.0.1:" + operatorPort + "/q/metrics";
    waitForOperator(metricsUrl);
    long t0 = System.nanoTime();
    for (int i = 0; i < fleets; i++) {
      client
          .genericKubernetesResources(Kubelet.FLEETS)
          .inNamespace("default")
          .resource(fleet("bench-" + i))
          .create();
    }
    System.out.printf("%d fleets applied in %.1f s%n", fleets, (System.nanoTime() - t0) / 1e9);
    // play the kubelet: one ready pod per Deployment, its metrics on the stub
    int pods = 0;
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    java.util.Set<String> done = new java.util.HashSet<>();
    while (pods < fleets && System.nanoTime() < deadline) {
      for (Deployment d : client.apps().deployments().inNamespace("default").list().getItems()) {
        if (done.add(d.getMetadata().getName())) {
          readyPod(client, d, stubPort);
          pods++;
        }
      }
      Thread.sleep(200);
    }
    System.out.printf(
        "%d ready pods after %.1f s (Deployments created by the operator)%n",
        pods, (System.nanoTime() - t0) / 1e9);
    // warm-up: every fleet needs two scrapes for a rate
    Thread.sleep(interval.multipliedBy(3).toMillis());
    Map<String, Double> before = scrape(metricsUrl);
    long m0 = System.nanoTime();
    Thread.sleep(measure.toMillis());
    Map<String, Double> after = scrape(metricsUrl);
    double seconds = (System.nanoTime() - m0) / 1e9;
    double decisions = delta(before, after, "nemotron_autoscaler_decisions_total");
    double due = pods * seconds / (interval.toMillis() / 1000.0);
    double cycles = delta(before, after, "nemotron_autoscaler_cycle_seconds_count");
    double cycleSeconds = delta(before, after, "nemotron_autoscaler_cycle_seconds_sum");
    System.out.printf(
        Locale.ROOT,
        "window %.1f s, interval %d ms, %d fleets: %.0f decisions taken of %.0f due (%.1f%%),"
            + " %.0f cycles skipped (previous still running), %.0f scrape failures,"
            + " mean cycle %.2f ms, cycle max %.2f ms, fleets tracked %.0f%n",
        seconds,
        interval.toMillis(),
        pods,
        decisions,
        due,
        100 * decisions / due,
        delta(before, after, "nemotron_autoscaler_cycles_skipped_total"),
        delta(before, after, "nemotron_autoscaler_scrape_failures_total"),
        cycles > 0 ? 1000 * cycleSeconds / cycles : Double.NaN,
        1000 * after.getOrDefault("nemotron_autoscaler_cycle_seconds_max", Double.NaN),
        after.getOrDefault("nemotron_autoscaler_fleets", Double.NaN));
    System.out.printf(
        Locale.ROOT,
        "operator process CPU usage at the end: %.1f%% of the machine%n",
        100 * after.getOrDefault("process_cpu_usage", Double.NaN));
  }

  private static GenericKubernetesResource fleet(String name) throws Exception {
    return JSON.readValue(
        """
        {"apiVersion": "nemotron.inference.dev/v1alpha1", "kind": "NemotronDiffusionDeployment",
         "metadata": {"name": "%s", "namespace": "default"},
         "spec": {"model": {"size": "3B", "source": {"uri": "hf://nvidia/Nemotron-Labs-Diffusion-3B"}},
                  "quantization": "int8", "gpu": {"class": "CPU"},
                  "maxContextLength": 2048, "maxConcurrentSequences": 4,
                  "scaling": {"minReplicas": 1, "maxReplicas": 4}}}
        """
            .formatted(name),
        GenericKubernetesResource.class);
  }

  private static void readyPod(KubernetesClient client, Deployment d, int port) {
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withName(d.getMetadata().getName() + "-0")
            .withNamespace(d.getMetadata().getNamespace())
            .withLabels(d.getSpec().getTemplate().getMetadata().getLabels())
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("runtime")
            .withImage("stub")
            .addNewPort()
            .withName("http")
            .withContainerPort(port)
            .endPort()
            .endContainer()
            .endSpec()
            .withNewStatus()
            .withPhase("Running")
            .withPodIP("127.0.0.1")
            .addNewCondition()
            .withType("Ready")
            .withStatus("True")
            .endCondition()
            .endStatus()
            .build();
    client.pods().inNamespace(d.getMetadata().getNamespace()).resource(pod).create();
  }

  /** One loopback server standing in for every pod's runtime: counters grow with time. */
  private static HttpServer stubRuntime() throws Exception {
    long start = System.nanoTime();
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
    server.setExecutor(Executors.newFixedThreadPool(4));
    server.createContext(
        "/metrics/snapshot",
        exchange -> {
          double s = (System.nanoTime() - start) / 1e9;
          ObjectNode root = JSON.createObjectNode();
          ObjectNode counters = root.putObject("counters");
          counters
              .putArray("ndd_generated_tokens")
              .addObject()
              .put("value", 50 * s)
              .putObject("tags")
              .put("mode", "diffusion")
              .put("variant", "none");
          counters
              .putArray("ndd_forward_passes")
              .addObject()
              .put("value", 20 * s)
              .putObject("tags")
              .put("mode", "diffusion")
              .put("variant", "none");
          ObjectNode gauges = root.putObject("gauges");
          gauges.putArray("ndd_queue_depth").addObject().put("value", 0).putObject("tags");
          gauges.putArray("ndd_active_sequences").addObject().put("value", 2).putObject("tags");
          ObjectNode histograms = root.putObject("histograms");
          for (String h : List.of("ndd_request_duration", "ndd_time_to_first_token")) {
            ObjectNode e = histograms.putArray(h).addObject();
            e.putObject("tags").put("mode", "diffusion").put("variant", "none");
            var buckets = e.putArray("buckets");
            buckets.addObject().put("le", 0.5).put("count", s);
            buckets.addObject().put("le", "+Inf").put("count", s);
          }
          byte[] body = JSON.writeValueAsBytes(root);
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
    return server;
  }

  private static void waitForOperator(String url) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (System.nanoTime() < deadline) {
      try {
        scrape(url);
        return;
      } catch (java.io.IOException e) {
        Thread.sleep(500);
      }
    }
    throw new IllegalStateException("the operator did not serve " + url);
  }

  /** Sums of each metric name over its labels, from the operator's Prometheus text. */
  private static Map<String, Double> scrape(String url) throws Exception {
    try (HttpClient http = HttpClient.newHttpClient()) {
      String text =
          http.send(
                  HttpRequest.newBuilder(URI.create(url)).build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      Map<String, Double> sums = new HashMap<>();
      for (String line : text.split("\n")) {
        // a sample line: NAME[{LABELS}] VALUE (the exposition format's own shape)
        String sample = line.trim();
        int space = sample.lastIndexOf(' ');
        if (sample.isEmpty() || sample.startsWith("#") || space < 0) {
          continue;
        }
        int brace = sample.indexOf('{');
        String name = sample.substring(0, brace >= 0 && brace < space ? brace : space).trim();
        double v = Double.parseDouble(sample.substring(space + 1));
        if (name.endsWith("_max")) {
          sums.merge(name, v, Math::max);
        } else {
          sums.merge(name, v, Double::sum);
        }
      }
      return sums;
    }
  }

  private static double delta(Map<String, Double> before, Map<String, Double> after, String name) {
    return after.getOrDefault(name, 0.0) - before.getOrDefault(name, 0.0);
  }
}
