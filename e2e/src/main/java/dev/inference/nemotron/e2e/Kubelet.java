package dev.inference.nemotron.e2e;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Plays the kubelet, the Deployment controller and the Service's endpoints for this product's
 * inference pods only (Deployments labelled {@code app.kubernetes.io/component=inference}): each
 * replica is a real {@code ndd serve} process started with the pod template's exact arguments in a
 * {@link PodRoot} ({@code NDD_POD_ROOT}) on a free loopback port ({@code NDD_POD_PORT}). It probes
 * the template's readiness path and writes Pods and the Deployment's status into the stand-in API;
 * it plays the garbage collector for Deployments whose owner is gone. One thread does all of it.
 */
final class Kubelet implements AutoCloseable {

  static final String COMPONENT_LABEL = "app.kubernetes.io/component";
  static final String INFERENCE = "inference";
  static final String FLEET_KIND = "NemotronDiffusionDeployment";
  static final ResourceDefinitionContext FLEETS =
      new ResourceDefinitionContext.Builder()
          .withGroup("nemotron.inference.dev")
          .withVersion("v1alpha1")
          .withKind(FLEET_KIND)
          .withPlural("nemotrondiffusiondeployments")
          .withNamespaced(true)
          .build();

  /** A ready replica, for the load balancer. */
  record Endpoint(String pod, int port) {}

  private final KubernetesClient client;
  private final Project project;
  private final Path work;
  private final Consumer<String> log;
  private final ScheduledExecutorService loop =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "local-kubelet");
            t.setDaemon(true);
            return t;
          });
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final Map<String, List<Replica>> replicas = new ConcurrentHashMap<>();
  private final Map<String, Instant> nextStart = new HashMap<>();
  private final Map<String, DeploymentStatus> lastStatus = new HashMap<>();
  private final Map<String, Integer> crashes = new HashMap<>();
  private final Map<String, String> errors = new HashMap<>();
  private final AtomicLong podCounter = new AtomicLong();
  private final java.util.Set<ChildProcess> stopping = ConcurrentHashMap.newKeySet();
  private volatile List<Endpoint> endpoints = List.of();
  private SharedIndexInformer<Deployment> informer;

  Kubelet(KubernetesClient client, Project project, Path work, Consumer<String> log) {
    this.client = client;
    this.project = project;
    this.work = work;
    this.log = log;
  }

  void start() {
    informer =
        client
            .apps()
            .deployments()
            .inAnyNamespace()
            .withLabel(COMPONENT_LABEL, INFERENCE)
            .inform(
                new ResourceEventHandler<>() {
                  @Override
                  public void onAdd(Deployment d) {
                    poke();
                  }

                  @Override
                  public void onUpdate(Deployment before, Deployment after) {
                    poke();
                  }

                  @Override
                  public void onDelete(Deployment d, boolean unknownFinalState) {
                    poke();
                  }
                });
    loop.scheduleWithFixedDelay(this::syncAll, 0, 1, TimeUnit.SECONDS);
  }

  /** The ready replicas of every fleet, in a stable order. */
  List<Endpoint> endpoints() {
    return endpoints;
  }

  /** Process ids of the running replicas of Deployment {@code namespace/name}. */
  List<Long> pids(String namespace, String name) {
    return replicas.getOrDefault(namespace + "/" + name, List.of()).stream()
        .filter(r -> r.process.isAlive())
        .map(r -> r.process.pid())
        .toList();
  }

  /** Process ids of every replica process still alive, those being stopped included. */
  List<Long> allPids() {
    List<Long> pids = new ArrayList<>();
    replicas.values().stream().flatMap(List::stream).forEach(r -> pids.add(r.process.pid()));
    stopping.forEach(p -> pids.add(p.pid()));
    return pids.stream()
        .filter(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
        .toList();
  }

  private void poke() {
    if (!loop.isShutdown()) {
      loop.execute(this::syncAll);
    }
  }

  private void syncAll() {
    try {
      Map<String, Deployment> current = new LinkedHashMap<>();
      for (Deployment d : informer.getStore().list()) {
        current.put(key(d), d);
      }
      for (String key : List.copyOf(replicas.keySet())) {
        if (!current.containsKey(key)) {
          log.accept("Deployment " + key + " is gone: stopping its replicas");
          stopAll(key);
        }
      }
      for (Deployment d : current.values()) {
        try {
          sync(d);
          errors.remove(key(d));
        } catch (RuntimeException | IOException e) {
          // the same failure every second is said once
          String message = "Deployment " + key(d) + ": " + e;
          if (!message.equals(errors.put(key(d), message))) {
            log.accept(message + " (retrying every second)");
          }
        }
      }
      publishEndpoints();
    } catch (RuntimeException e) {
      log.accept("kubelet: " + e);
    }
  }

  /** The ready replicas, as the Service's endpoints. */
  private void publishEndpoints() {
    List<Endpoint> ready = new ArrayList<>();
    replicas.values().stream()
        .flatMap(List::stream)
        .filter(r -> r.ready && !r.stopping)
        .sorted(Comparator.comparing(r -> r.pod))
        .forEach(r -> ready.add(new Endpoint(r.pod, r.port)));
    endpoints = List.copyOf(ready);
  }

  private void sync(Deployment d) throws IOException {
    String key = key(d);
    String namespace = d.getMetadata().getNamespace();
    if (ownerGone(d)) {
      log.accept(
          "stand-in garbage collector: the owner of Deployment " + key + " is gone, deleting it");
      stopAll(key);
      client
          .apps()
          .deployments()
          .inNamespace(namespace)
          .withName(d.getMetadata().getName())
          .delete();
      return;
    }
    if (d.getMetadata().getDeletionTimestamp() != null) {
      stopAll(key);
      return;
    }
    String hash = templateHash(d);
    int desired = Objects.requireNonNullElse(d.getSpec().getReplicas(), 1);
    List<Replica> list = replicas.computeIfAbsent(key, k -> new ArrayList<>());

    // containers that exited are restarted by replacing the replica, with a back-off
    for (Replica r : List.copyOf(list)) {
      if (!r.process.isAlive() && !r.stopping) {
        log.accept(
            "replica "
                + r.pod
                + " exited with "
                + r.process.exitCode()
                + " (log "
                + r.process.log()
                + "):\n"
                + r.process.tail(15));
        list.remove(r);
        deletePod(namespace, r);
        int crashes = this.crashes.merge(key, 1, Integer::sum);
        nextStart.put(key, Instant.now().plusSeconds(Math.min(60, 5L << Math.min(crashes, 4))));
      }
    }

    // mounted ConfigMaps and Secrets follow the API (a scale rewrites runtime.yaml's replica
    // count, which each running replica's tenant shares depend on)
    for (Replica r : list) {
      if (r.hash.equals(hash) && r.process.isAlive() && !r.stopping) {
        r.root.refresh(client, namespace, d.getSpec().getTemplate().getSpec(), runtimeContainer(d));
      }
    }

    // probes
    Probe readiness = runtimeContainer(d).getReadinessProbe();
    for (Replica r : list) {
      boolean ready = r.process.isAlive() && probe(r.port, readiness);
      if (ready != r.ready) {
        r.ready = ready;
        log.accept("replica " + r.pod + (ready ? " is ready" : " is not ready"));
      }
    }

    List<Replica> updated = list.stream().filter(r -> r.hash.equals(hash)).toList();
    List<Replica> old = list.stream().filter(r -> !r.hash.equals(hash)).toList();
    // scale the current template to the desired count
    int missing = desired - updated.size();
    if (missing > 0 && !Instant.now().isBefore(nextStart.getOrDefault(key, Instant.MIN))) {
      for (int i = 0; i < missing; i++) {
        list.add(startReplica(d, hash));
      }
    }
    if (missing < 0) {
      // remove not-ready replicas first, then the newest
      List<Replica> victims =
          updated.stream()
              .sorted(
                  Comparator.comparing((Replica r) -> r.ready)
                      .thenComparing(r -> r.started, Comparator.reverseOrder()))
              .limit(-missing)
              .toList();
      for (Replica r : victims) {
        stop(namespace, list, r, "scaled down");
      }
    }
    // a rollout: old replicas go once the new ones are all ready
    long readyUpdated = list.stream().filter(r -> r.hash.equals(hash) && r.ready).count();
    if (!old.isEmpty() && readyUpdated >= desired) {
      for (Replica r : old) {
        stop(namespace, list, r, "replaced by the new template");
      }
    }
    for (Replica r : list) {
      writePod(d, r);
    }
    writeStatus(d, list, hash, desired);
  }

  private Replica startReplica(Deployment d, String hash) throws IOException {
    String namespace = d.getMetadata().getNamespace();
    String pod =
        d.getMetadata().getName()
            + "-"
            + hash
            + "-"
            + Long.toString(podCounter.incrementAndGet(), 36);
    Container container = runtimeContainer(d);
    Path root = work.resolve("pods").resolve(namespace).resolve(pod).resolve("root");
    Files.createDirectories(root);
    PodRoot podRoot = new PodRoot(root);
    for (String note :
        podRoot.mount(client, namespace, d.getSpec().getTemplate().getSpec(), container)) {
      log.accept("replica " + pod + ": " + note);
    }
    if (d.getSpec().getTemplate().getSpec().getInitContainers() != null
        && !d.getSpec().getTemplate().getSpec().getInitContainers().isEmpty()) {
      log.accept(
          "replica "
              + pod
              + ": init containers are not run by the local fleet (use a file:// source)");
    }
    int port = FreePort.find();
    Map<String, String> env = new LinkedHashMap<>();
    for (EnvVar var : Objects.requireNonNullElse(container.getEnv(), List.<EnvVar>of())) {
      if (var.getValue() != null) {
        env.put(var.getName(), var.getValue());
      }
    }
    env.put("NDD_POD_ROOT", root.toString());
    env.put("NDD_POD_PORT", Integer.toString(port));
    if (container.getCommand() != null && !container.getCommand().isEmpty()) {
      throw new IOException(
          "container " + container.getName() + " sets a command; the image's entrypoint is ndd");
    }
    ChildProcess process =
        ChildProcess.start(pod, project.ndd(container.getArgs()), root, env, work.resolve("logs"));
    log.accept(
        "replica "
            + pod
            + " started: ndd "
            + String.join(" ", container.getArgs())
            + " (pid "
            + process.pid()
            + ", 127.0.0.1:"
            + port
            + ", NDD_POD_ROOT="
            + root
            + ")");
    Replica r = new Replica(pod, hash, port, process, podRoot, Instant.now());
    Pod object = pod(d, r);
    client.pods().inNamespace(namespace).resource(object).create();
    return r;
  }

  private void stop(String namespace, List<Replica> list, Replica r, String why) {
    r.stopping = true;
    r.ready = false;
    log.accept("replica " + r.pod + " stopping (" + why + ")");
    // out of the Service first, then SIGTERM (the runtime drains), SIGKILL after the grace period
    list.remove(r);
    publishEndpoints();
    stopping.add(r.process);
    Thread.ofVirtual()
        .start(
            () -> {
              r.process.stop(Duration.ofSeconds(20));
              stopping.remove(r.process);
            });
    deletePod(namespace, r);
  }

  private void stopAll(String key) {
    List<Replica> list = replicas.remove(key);
    if (list == null) {
      return;
    }
    String namespace = key.substring(0, key.indexOf('/'));
    for (Replica r : List.copyOf(list)) {
      stop(namespace, new ArrayList<>(list), r, "its Deployment is gone");
    }
    lastStatus.remove(key);
    nextStart.remove(key);
    crashes.remove(key);
  }

  private void deletePod(String namespace, Replica r) {
    try {
      client.pods().inNamespace(namespace).withName(r.pod).delete();
    } catch (RuntimeException e) {
      log.accept("cannot delete Pod " + r.pod + ": " + e.getMessage());
    }
  }

  private boolean probe(int port, Probe readiness) {
    String path =
        readiness == null || readiness.getHttpGet() == null
            ? "/"
            : readiness.getHttpGet().getPath();
    try {
      HttpResponse<Void> response =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                  .timeout(Duration.ofSeconds(2))
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.discarding());
      return response.statusCode() >= 200 && response.statusCode() < 400;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private boolean ownerGone(Deployment d) {
    for (OwnerReference owner :
        Objects.requireNonNullElse(
            d.getMetadata().getOwnerReferences(), List.<OwnerReference>of())) {
      if (!FLEET_KIND.equals(owner.getKind())) {
        continue;
      }
      var fleet =
          client
              .genericKubernetesResources(FLEETS)
              .inNamespace(d.getMetadata().getNamespace())
              .withName(owner.getName())
              .get();
      if (fleet == null || !owner.getUid().equals(fleet.getMetadata().getUid())) {
        return true;
      }
    }
    return false;
  }

  private Pod pod(Deployment d, Replica r) {
    Map<String, String> labels =
        new LinkedHashMap<>(
            Objects.requireNonNullElse(
                d.getSpec().getTemplate().getMetadata().getLabels(), Map.of()));
    labels.put("pod-template-hash", r.hash);
    return new PodBuilder()
        .withNewMetadata()
        .withName(r.pod)
        .withNamespace(d.getMetadata().getNamespace())
        .withLabels(labels)
        .withAnnotations(d.getSpec().getTemplate().getMetadata().getAnnotations())
        .withOwnerReferences(
            new OwnerReferenceBuilder()
                .withApiVersion("apps/v1")
                .withKind("Deployment")
                .withName(d.getMetadata().getName())
                .withUid(d.getMetadata().getUid())
                .withController(true)
                .withBlockOwnerDeletion(true)
                .build())
        .endMetadata()
        .withSpec(podSpec(d, r))
        .withStatus(podStatus(r))
        .build();
  }

  /**
   * The template's pod spec on node {@code local-fleet}, with the runtime container's {@code http}
   * port set to the port this replica's process listens on: every replica runs on 127.0.0.1 (the
   * pod IP written in its status), so each has its own port, and the Pod object says which, as a
   * real pod's IP would. The operator's autoscaler scrapes podIP:(container port named http).
   */
  private static PodSpec podSpec(Deployment d, Replica r) {
    PodSpec spec =
        new PodSpecBuilder(d.getSpec().getTemplate().getSpec()).withNodeName("local-fleet").build();
    String runtime = runtimeContainer(d).getName();
    List<Container> containers = new ArrayList<>();
    for (Container c : spec.getContainers()) {
      if (!c.getName().equals(runtime) || c.getPorts() == null) {
        containers.add(c);
        continue;
      }
      List<ContainerPort> ports = new ArrayList<>();
      for (ContainerPort p : c.getPorts()) {
        ports.add(
            "http".equals(p.getName())
                ? new ContainerPortBuilder(p).withContainerPort(r.port).build()
                : p);
      }
      containers.add(new ContainerBuilder(c).withPorts(ports).build());
    }
    spec.setContainers(containers);
    return spec;
  }

  private PodStatus podStatus(Replica r) {
    String ready = r.ready ? "True" : "False";
    return new PodStatusBuilder()
        .withPhase("Running")
        .withHostIP("127.0.0.1")
        .withPodIP("127.0.0.1")
        .withStartTime(r.started.toString())
        .addNewCondition()
        .withType("Ready")
        .withStatus(ready)
        .endCondition()
        .addNewCondition()
        .withType("ContainersReady")
        .withStatus(ready)
        .endCondition()
        .addNewContainerStatus()
        .withName("runtime")
        .withReady(r.ready)
        .withStarted(true)
        .withRestartCount(0)
        .withImage("ndd (local process " + r.process.pid() + ")")
        .withNewState()
        .withNewRunning()
        .withStartedAt(r.started.toString())
        .endRunning()
        .endState()
        .endContainerStatus()
        .build();
  }

  private void writePod(Deployment d, Replica r) {
    if (r.podWrittenReady != null && r.podWrittenReady == r.ready) {
      return;
    }
    PodStatus status = podStatus(r);
    try {
      client
          .pods()
          .inNamespace(d.getMetadata().getNamespace())
          .withName(r.pod)
          .editStatus(
              p -> {
                p.setStatus(status);
                return p;
              });
      r.podWrittenReady = r.ready;
    } catch (RuntimeException e) {
      log.accept("cannot write the status of Pod " + r.pod + ": " + e.getMessage());
    }
  }

  private void writeStatus(Deployment d, List<Replica> list, String hash, int desired) {
    int current = list.size();
    int updated = (int) list.stream().filter(r -> r.hash.equals(hash)).count();
    int ready = (int) list.stream().filter(r -> r.ready).count();
    boolean complete =
        updated >= desired
            && current == updated
            && list.stream().filter(r -> r.hash.equals(hash) && r.ready).count() >= desired;
    String now = Instant.now().toString();
    List<DeploymentCondition> conditions = new ArrayList<>();
    DeploymentStatus before = lastStatus.get(key(d));
    conditions.add(
        condition(
            before,
            "Available",
            ready >= desired ? "True" : "False",
            ready >= desired ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable",
            ready >= desired
                ? "Deployment has minimum availability."
                : "Deployment does not have minimum availability.",
            now));
    conditions.add(
        condition(
            before,
            "Progressing",
            "True",
            complete ? "NewReplicaSetAvailable" : "ReplicaSetUpdated",
            complete
                ? "ReplicaSet \""
                    + d.getMetadata().getName()
                    + "-"
                    + hash
                    + "\" has successfully progressed."
                : "ReplicaSet \"" + d.getMetadata().getName() + "-" + hash + "\" is progressing.",
            now));
    DeploymentStatus status =
        new DeploymentStatusBuilder()
            .withObservedGeneration(d.getMetadata().getGeneration())
            .withReplicas(current)
            .withUpdatedReplicas(updated)
            .withReadyReplicas(ready)
            .withAvailableReplicas(ready)
            .withUnavailableReplicas(Math.max(0, current - ready))
            .withConditions(conditions)
            .build();
    if (status.equals(before) && status.equals(d.getStatus())) {
      return;
    }
    try {
      client
          .apps()
          .deployments()
          .inNamespace(d.getMetadata().getNamespace())
          .withName(d.getMetadata().getName())
          .editStatus(
              x -> {
                x.setStatus(status);
                return x;
              });
      lastStatus.put(key(d), status);
    } catch (RuntimeException e) {
      log.accept("cannot write the status of Deployment " + key(d) + ": " + e.getMessage());
    }
  }

  private static DeploymentCondition condition(
      DeploymentStatus before,
      String type,
      String value,
      String reason,
      String message,
      String now) {
    DeploymentCondition previous =
        before == null
            ? null
            : before.getConditions().stream()
                .filter(c -> c.getType().equals(type))
                .findFirst()
                .orElse(null);
    boolean same = previous != null && previous.getStatus().equals(value);
    boolean sameReason = same && previous.getReason().equals(reason);
    return new DeploymentConditionBuilder()
        .withType(type)
        .withStatus(value)
        .withReason(reason)
        .withMessage(message)
        .withLastTransitionTime(same ? previous.getLastTransitionTime() : now)
        .withLastUpdateTime(sameReason ? previous.getLastUpdateTime() : now)
        .build();
  }

  /** The container that runs {@code serve}, else the first. */
  static Container runtimeContainer(Deployment d) {
    List<Container> containers = d.getSpec().getTemplate().getSpec().getContainers();
    return containers.stream()
        .filter(
            c ->
                c.getArgs() != null
                    && !c.getArgs().isEmpty()
                    && c.getArgs().getFirst().equals("serve"))
        .findFirst()
        .orElse(containers.getFirst());
  }

  static String templateHash(Deployment d) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(
                  Serialization.asJson(d.getSpec().getTemplate()).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest).substring(0, 10);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String key(Deployment d) {
    return d.getMetadata().getNamespace() + "/" + d.getMetadata().getName();
  }

  /** Stops every replica (SIGTERM, then SIGKILL after the grace period). */
  @Override
  public void close() {
    loop.shutdownNow();
    try {
      loop.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (informer != null) {
      informer.close();
    }
    List<ChildProcess> all =
        new ArrayList<>(
            replicas.values().stream().flatMap(List::stream).map(r -> r.process).toList());
    all.addAll(stopping);
    replicas.clear();
    all.forEach(ChildProcess::destroy);
    all.forEach(p -> p.stop(Duration.ofSeconds(20)));
    endpoints = List.of();
  }

  /** One replica: a pod played by a process. */
  private static final class Replica {
    final String pod;
    final String hash;
    final int port;
    final ChildProcess process;
    final PodRoot root;
    final Instant started;
    volatile boolean ready;
    boolean stopping;
    Boolean podWrittenReady;

    Replica(
        String pod, String hash, int port, ChildProcess process, PodRoot root, Instant started) {
      this.pod = pod;
      this.hash = hash;
      this.port = port;
      this.process = process;
      this.root = root;
      this.started = started;
    }
  }
}
