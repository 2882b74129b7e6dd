package dev.inference.nemotron.operator.autoscale;

import dev.inference.nemotron.api.v1alpha1.EffectiveModeMix;
import dev.inference.nemotron.api.v1alpha1.ModeAdvice;
import dev.inference.nemotron.api.v1alpha1.ModeMix;
import dev.inference.nemotron.api.v1alpha1.ModePolicy;
import dev.inference.nemotron.api.v1alpha1.NemotronDiffusionDeployment;
import dev.inference.nemotron.api.v1alpha1.NemotronDiffusionDeploymentStatus;
import dev.inference.nemotron.api.v1alpha1.ObservedMetrics;
import dev.inference.nemotron.api.v1alpha1.ScaleEvent;
import dev.inference.nemotron.api.v1alpha1.ScalingActuator;
import dev.inference.nemotron.api.v1alpha1.ScalingSpec;
import dev.inference.nemotron.operator.NemotronDiffusionReconciler;
import dev.inference.nemotron.operator.desired.Fleet;
import dev.inference.nemotron.operator.status.FleetEvents;
import dev.inference.nemotron.operator.status.ScalingStatus;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.FilterWatchListDeletable;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.HttpURLConnection;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

/**
 * The autoscaler's loop: per fleet, every {@link AutoscalerSettings#interval()}, scrape the ready
 * pods, turn the readings into a {@link FleetSample}, ask {@link ControlLaw#decide} and act.
 *
 * <ul>
 *   <li>A fleet's cycle starts when the reconciler {@link #track tracks} it (only the leader
 *       reconciles, so only the leader scales) and stops when the resource is gone.
 *   <li>Pods, Deployments and resources come from informers' caches (pods: get, list, watch), so a
 *       cycle makes no API call unless something changed: a replica count to set (builtin actuator:
 *       the child Deployment's {@code spec.replicas}, never the resource's spec), an Event per
 *       change, and a status write when {@code observed}, {@code lastScale} or ScalingActive
 *       changed (see {@link ScalingStatus#worthWriting}). It never triggers a reconciliation per
 *       interval: status writes do not change the generation.
 *   <li>Under {@code scaling.modePolicy: adaptive} the same cycle also decides the mode mix with
 *       {@link ModeMixPolicy} (never in a cycle that changes replicas): the mix lives in {@code
 *       status.effectiveModeMix}, and only when it changes does the loop ask the reconciler,
 *       through {@link #reconcileRequests()}, to re-render that one fleet's ConfigMap (a status
 *       write alone triggers no reconciliation), with an Event {@value #MODE_MIX_SHIFTED}.
 *   <li>Cycles run on {@link AutoscalerSettings#workers()} threads; scrapes share one asynchronous
 *       HTTP client and at most {@link AutoscalerSettings#maxScrapesInFlight()} requests, each with
 *       a timeout. A pod with no reading yet (a rate needs two) counts as capacity on the way; a
 *       pod that does not answer is stale and the law holds.
 * </ul>
 */
@ApplicationScoped
public class FleetAutoscaler {

  private static final Logger LOG = Logger.getLogger(FleetAutoscaler.class);
  private static final String FLEET_INDEX = "fleet";
  private static final String INSTANCE_LABEL = "app.kubernetes.io/instance";
  private static final Map<String, String> INFERENCE_CHILDREN =
      Map.of(
          "app.kubernetes.io/managed-by", Fleet.MANAGED_BY,
          "app.kubernetes.io/component", Fleet.INFERENCE);

  /** ScalingActive's reason while the law decides on fresh metrics. */
  public static final String SCALING_ON_MEASUREMENTS = "ScalingOnMeasurements";

  /** Reason of the Event announcing a change of the effective mode mix. */
  public static final String MODE_MIX_SHIFTED = "ModeMixShifted";

  /** ScalingActive's reason while ready replicas do not answer the scrape. */
  public static final String METRICS_STALE = "MetricsStale";

  private final KubernetesClient client;
  private final AutoscalerSettings settings;
  private final FleetEvents events;
  private final AutoscalerMetrics metrics;
  private final Clock clock = Clock.systemUTC();
  private final Map<String, FleetLoop> loops = new ConcurrentHashMap<>();
  private final SimpleInboundEventSource<NemotronDiffusionDeployment> reconcileRequests =
      new SimpleInboundEventSource<>("autoscaler-mode-mix");

  private final List<SharedIndexInformer<NemotronDiffusionDeployment>> resources =
      new ArrayList<>();
  private final List<SharedIndexInformer<Deployment>> deployments = new ArrayList<>();
  private final List<SharedIndexInformer<Pod>> pods = new ArrayList<>();
  private ScheduledExecutorService ticker;
  private ExecutorService workers;
  private HttpClient http;
  private PodScraper scraper;
  private volatile boolean started;

  public FleetAutoscaler(
      KubernetesClient client,
      AutoscalerSettings settings,
      FleetEvents events,
      AutoscalerMetrics metrics) {
    this.client = client;
    this.settings = settings;
    this.events = events;
    this.metrics = metrics;
  }

  /** What the loop remembers of one fleet between cycles. */
  static final class FleetLoop {
    final String namespace;
    final String name;
    final AtomicBoolean running = new AtomicBoolean();
    ScheduledFuture<?> schedule;
    ScalingHistory history;
    final Map<String, PodReading> previous = new HashMap<>();
    volatile Integer actuated;
    Instant actuatedAt;
    // what the loop last decided for its status fields: re-applied every cycle, so a status write
    // of the reconciler from a stale copy cannot erase them for good
    ObservedMetrics observed;
    List<ModeAdvice> modeAdvice;
    ScaleEvent lastScale;
    boolean statusRead;
    // the adaptive mode policy: the mix in force (read by the reconciler's thread), the spec mix it
    // started from, the policy's memory and the last replica change
    volatile EffectiveModeMix effectiveMix;
    volatile ModeMixPolicy.Mix specMix;
    ModeMixPolicy.State mixState;
    Integer lastReplicas;
    Instant lastReplicaChange;

    FleetLoop(String namespace, String name) {
      this.namespace = namespace;
      this.name = name;
    }

    String key() {
      return namespace + "/" + name;
    }
  }

  void onStart(@Observes StartupEvent event) {
    start();
  }

  void onStop(@Observes ShutdownEvent event) {
    stop();
  }

  /** Starts the informers and the threads; fleets join with {@link #track}. */
  synchronized void start() {
    if (started) {
      return;
    }
    Duration timeout = settings.scrapeTimeout();
    workers =
        Executors.newFixedThreadPool(
            Math.max(1, settings.workers()), Thread.ofPlatform().name("autoscaler-", 0).factory());
    ticker =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("autoscaler-ticker").daemon().factory());
    http = HttpClient.newBuilder().connectTimeout(timeout).build();
    scraper = new PodScraper(http, timeout, Math.max(1, settings.maxScrapesInFlight()), clock);
    for (Optional<String> ns : watchedNamespaces()) {
      resources.add(inform(NemotronDiffusionDeployment.class, ns, false));
      deployments.add(inform(Deployment.class, ns, true));
      pods.add(inform(Pod.class, ns, true));
    }
    resources.forEach(
        i ->
            i.addEventHandler(
                new ResourceEventHandler<>() {
                  @Override
                  public void onAdd(NemotronDiffusionDeployment r) {}

                  @Override
                  public void onUpdate(
                      NemotronDiffusionDeployment before, NemotronDiffusionDeployment after) {}

                  @Override
                  public void onDelete(NemotronDiffusionDeployment r, boolean unknown) {
                    untrack(r.getMetadata().getNamespace(), r.getMetadata().getName());
                  }
                }));
    metrics.fleets(loops::size);
    started = true;
  }

  private <T extends HasMetadata> SharedIndexInformer<T> inform(
      Class<T> type, Optional<String> namespace, boolean children) {
    FilterWatchListDeletable<T, KubernetesResourceList<T>, Resource<T>> source =
        namespace.isPresent()
            ? client.resources(type).inNamespace(namespace.get())
            : client.resources(type).inAnyNamespace();
    if (children) {
      source = source.withLabels(INFERENCE_CHILDREN);
    }
    SharedIndexInformer<T> informer = source.runnableInformer(0);
    if (children) {
      informer.addIndexers(Map.of(FLEET_INDEX, FleetAutoscaler::fleetKey));
    }
    informer.start();
    return informer;
  }

  private static List<String> fleetKey(HasMetadata o) {
    Map<String, String> labels = o.getMetadata().getLabels();
    String instance = labels == null ? null : labels.get(INSTANCE_LABEL);
    return instance == null ? List.of() : List.of(o.getMetadata().getNamespace() + "/" + instance);
  }

  /** The controller's namespaces: empty = all (the default), else each one watched. */
  private static List<Optional<String>> watchedNamespaces() {
    String value =
        ConfigProvider.getConfig()
            .getOptionalValue(
                "quarkus.operator-sdk.controllers."
                    + NemotronDiffusionReconciler.NAME
                    + ".namespaces",
                String.class)
            .orElse("");
    List<Optional<String>> out = new ArrayList<>();
    for (String ns : value.split(",")) {
      String n = ns.trim();
      if (n.isEmpty() || n.equals("JOSDK_ALL_NAMESPACES")) {
        return List.of(Optional.empty());
      }
      out.add(Optional.of(n));
    }
    return out.isEmpty() ? List.of(Optional.empty()) : out;
  }

  /** Stops every fleet's cycle, the threads and the informers. */
  synchronized void stop() {
    if (!started) {
      return;
    }
    started = false;
    loops.values().forEach(l -> Optional.ofNullable(l.schedule).ifPresent(s -> s.cancel(false)));
    loops.clear();
    ticker.shutdownNow();
    workers.shutdownNow();
    resources.forEach(SharedIndexInformer::stop);
    deployments.forEach(SharedIndexInformer::stop);
    pods.forEach(SharedIndexInformer::stop);
    resources.clear();
    deployments.clear();
    pods.clear();
    http.close();
  }

  /**
   * Starts the cycle of {@code resource}'s fleet unless it runs; called by every reconciliation
   * (idempotent), so the fleets of the leader's accepted resources are the ones scaled.
   */
  public void track(NemotronDiffusionDeployment resource) {
    if (!started) {
      return;
    }
    String ns = resource.getMetadata().getNamespace();
    String name = resource.getMetadata().getName();
    loops.computeIfAbsent(
        ns + "/" + name,
        k -> {
          FleetLoop loop = new FleetLoop(ns, name);
          long period = Math.max(1, settings.interval().toMillis());
          // spread the fleets over the interval instead of scraping all at once
          long offset = ThreadLocalRandom.current().nextLong(period);
          loop.schedule =
              ticker.scheduleAtFixedRate(() -> due(loop), offset, period, TimeUnit.MILLISECONDS);
          LOG.debugf("autoscaler: tracking %s every %s", k, settings.interval());
          return loop;
        });
  }

  /**
   * The replica count the loop last set on {@code resource}'s Deployment (builtin actuator): what
   * the reconciler keeps, so the Deployment it applies never undoes a scale its cache has not seen
   * yet.
   */
  public Optional<Integer> actuatedReplicas(NemotronDiffusionDeployment resource) {
    FleetLoop loop =
        loops.get(resource.getMetadata().getNamespace() + "/" + resource.getMetadata().getName());
    return loop == null ? Optional.empty() : Optional.ofNullable(loop.actuated);
  }

  /**
   * The event source through which the loop asks for the reconciliation of one fleet when its
   * effective mode mix changed; the reconciler registers it in {@code prepareEventSources}.
   */
  public SimpleInboundEventSource<NemotronDiffusionDeployment> reconcileRequests() {
    return reconcileRequests;
  }

  /**
   * The mode mix the loop holds in force for {@code resource} under the adaptive mode policy: what
   * the reconciler renders, so that a ConfigMap written before its informer shows the new status
   * already has the new mix. Empty under the static policy, before the loop's first decision, and
   * while the loop has not yet seen a new {@code spec.modes.mix}.
   */
  public Optional<ModeMix> effectiveModeMix(NemotronDiffusionDeployment resource) {
    FleetLoop loop =
        loops.get(resource.getMetadata().getNamespace() + "/" + resource.getMetadata().getName());
    ScalingSpec scaling = resource.getSpec() == null ? null : resource.getSpec().getScaling();
    if (loop == null || scaling == null || scaling.getModePolicy() != ModePolicy.ADAPTIVE) {
      return Optional.empty();
    }
    EffectiveModeMix mix = loop.effectiveMix;
    ModeMixPolicy.Mix startedFrom = loop.specMix;
    if (mix == null || startedFrom == null || !startedFrom.equals(specMix(resource))) {
      return Optional.empty();
    }
    return Optional.of(
        new ModeMix(mix.getAutoregressive(), mix.getDiffusion(), mix.getSelfSpeculation()));
  }

  /** Fleets whose cycle runs. */
  public int trackedFleets() {
    return loops.size();
  }

  void untrack(String namespace, String name) {
    FleetLoop loop = loops.remove(namespace + "/" + name);
    if (loop != null) {
      Optional.ofNullable(loop.schedule).ifPresent(s -> s.cancel(false));
      metrics.forget(namespace, name);
      LOG.debugf("autoscaler: %s/%s is gone, its cycle stopped", namespace, name);
    }
  }

  private void due(FleetLoop loop) {
    if (!loop.running.compareAndSet(false, true)) {
      metrics.skipped();
      return;
    }
    try {
      workers.execute(
          () -> {
            try {
              metrics.cycle().record(() -> cycle(loop));
            } catch (RuntimeException e) {
              LOG.warnf(e, "autoscaler cycle of %s failed", loop.key());
            } finally {
              loop.running.set(false);
            }
          });
    } catch (RuntimeException rejected) {
      loop.running.set(false);
    }
  }

  /** How long the loop's own scale wins over an informer cache that has not shown it yet. */
  private Duration actuationGrace() {
    Duration twoIntervals = settings.interval().multipliedBy(2);
    return twoIntervals.compareTo(Duration.ofSeconds(30)) > 0
        ? twoIntervals
        : Duration.ofSeconds(30);
  }

  /** One scrape and decision of one fleet. */
  void cycle(FleetLoop loop) {
    NemotronDiffusionDeployment resource = cached(resources, loop.key());
    if (resource == null) {
      if (resources.stream().allMatch(SharedIndexInformer::hasSynced)) {
        untrack(loop.namespace, loop.name);
      }
      return;
    }
    Deployment deployment = cached(deployments, loop.key());
    if (deployment == null || resource.getSpec() == null) {
      return; // the reconciler has not created it yet
    }
    ScalingPolicy policy;
    try {
      policy =
          ScalingPolicies.of(
              resource.getSpec(),
              settings.interval().multipliedBy(Math.max(1, settings.staleAfterIntervals())));
    } catch (RuntimeException invalid) {
      return; // a spec the reconciler rejects: nothing to scale
    }
    int cachedReplicas = Objects.requireNonNullElse(deployment.getSpec().getReplicas(), 1);
    if (loop.actuated != null
        && (loop.actuated == cachedReplicas
            || Duration.between(loop.actuatedAt, clock.instant()).compareTo(actuationGrace())
                > 0)) {
      // the cache caught up with the last scale (or something else set the count since)
      loop.actuated = null;
    }
    // until the informer shows it, the count the loop set is the one in force: deciding on the
    // cache's older count would scale twice and announce it twice
    int replicas = loop.actuated != null ? loop.actuated : cachedReplicas;
    FleetPods fleetPods = FleetPods.of(byFleet(pods, loop.key()));
    PodScraper.Result scraped;
    try {
      scraped = scraper.scrape(fleetPods.targets());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    Instant now = clock.instant();
    metrics.scrapeFailures(scraped.unanswered().size());

    // a pod's first reading gives no rate yet: it counts as capacity on the way, not as load
    Map<String, PodReading> ratable = new HashMap<>();
    scraped
        .readings()
        .forEach(
            (pod, r) -> {
              if (loop.previous.containsKey(pod)) {
                ratable.put(pod, r);
              }
            });
    int firstReadings = scraped.readings().size() - ratable.size();
    int starting =
        Math.max(
            fleetPods.notReady() + firstReadings,
            replicas - fleetPods.targets().size() + firstReadings);
    FleetSample sample =
        FleetSampler.sample(
            loop.previous,
            ratable,
            replicas,
            Math.max(0, starting),
            scraped.unanswered().size(),
            now);
    loop.previous
        .keySet()
        .removeIf(pod -> fleetPods.targets().stream().noneMatch(t -> t.pod().equals(pod)));
    loop.previous.putAll(scraped.readings());
    if (!scraped.unanswered().isEmpty()) {
      LOG.debugf("autoscaler: %s: unanswered %s", loop.key(), scraped.unanswered());
    }

    ScalingHistory history =
        loop.history == null
            ? ScalingHistory.start(replicas)
            : new ScalingHistory(
                replicas,
                loop.history.samples(),
                loop.history.recommendations(),
                loop.history.lastChange());
    history = history.withSample(sample);
    ScaleDecision decision = ControlLaw.decide(history, policy, now);
    boolean builtin =
        resource.getSpec().getScaling() == null
            || resource.getSpec().getScaling().getActuator() != ScalingActuator.EXTERNAL;
    NemotronDiffusionDeploymentStatus status = resource.getStatus();
    if (!loop.statusRead) {
      // after an operator restart, carry on from what the status says
      loop.statusRead = true;
      loop.observed = status == null ? null : status.getObserved();
      loop.lastScale = status == null ? null : status.getLastScale();
      loop.modeAdvice = status == null ? null : status.getModeAdvice();
      loop.effectiveMix = status == null ? null : status.getEffectiveModeMix();
      loop.lastReplicaChange = loop.lastScale == null ? null : parseTime(loop.lastScale.getTime());
    }
    ScaleEvent lastScale = loop.lastScale;
    int target = builtin ? decision.replicas() : replicas;
    if (target != replicas && !scale(loop, deployment, target)) {
      target = replicas; // not applied: the next cycle decides again
    }
    if (target != replicas) {
      lastScale = new ScaleEvent();
      lastScale.setTime(now.truncatedTo(ChronoUnit.SECONDS).toString());
      lastScale.setFrom(replicas);
      lastScale.setTo(target);
      lastScale.setReason(decision.reason());
      events.normal(resource, target > replicas ? "ScaledUp" : "ScaledDown", decision.reason());
      LOG.infof("autoscaler: %s: %s", loop.key(), decision.reason());
    } else {
      LOG.debugf("autoscaler: %s: %s", loop.key(), decision.reason());
    }
    loop.history =
        history.with(
            new ScaleDecision(
                target, decision.recommendation(), decision.reason(), decision.inputs()),
            now);
    metrics.decided(
        loop.namespace,
        loop.name,
        decision.replicas(),
        decision.replicas() > replicas
            ? AutoscalerMetrics.Direction.UP
            : decision.replicas() < replicas
                ? AutoscalerMetrics.Direction.DOWN
                : AutoscalerMetrics.Direction.HOLD);

    loop.lastScale = lastScale;
    // replicas changed in this cycle: by the loop, or (external actuator) since the last cycle
    boolean replicasChanged =
        target != replicas || (loop.lastReplicas != null && loop.lastReplicas != replicas);
    if (replicasChanged) {
      loop.lastReplicaChange = now;
    }
    loop.lastReplicas = target;
    boolean mixChanged = builtin && adaptMix(loop, resource, replicasChanged, now);
    if (!builtin) {
      loop.effectiveMix = null; // the adaptive policy is the builtin autoscaler's
    }
    if (sample.readyReplicas() > 0) {
      ObservedMetrics next =
          ScalingStatus.observed(sample, ControlLaw.windowedTokensPerForward(history, now), now);
      if (ScalingStatus.worthWriting(loop.observed, next, settings.observedRefresh())) {
        loop.observed = next;
        // the advice moves with the measurements it comes from, at the same cadence
        List<ModeAdvice> advice = ModeAdvisor.advise(loop.history, rowsPerForward(resource), now);
        loop.modeAdvice = advice.isEmpty() ? null : advice;
      }
    }
    ObservedMetrics observed = loop.observed;
    writeStatus(
        resource,
        observed,
        loop.modeAdvice,
        lastScale,
        loop.effectiveMix,
        judge(builtin, decision, sample, fleetPods));
    if (mixChanged) {
      requestReconcile(loop);
    }
  }

  /**
   * The adaptive mode policy's step of this cycle; true when the mix in force changed, so the
   * ConfigMap must be rendered again.
   */
  private boolean adaptMix(
      FleetLoop loop, NemotronDiffusionDeployment resource, boolean replicasChanged, Instant now) {
    ScalingSpec scaling = resource.getSpec().getScaling();
    if (scaling == null || scaling.getModePolicy() != ModePolicy.ADAPTIVE) {
      // static: the spec's mix is rendered (the spec changed, so the reconciler runs anyway)
      loop.effectiveMix = null;
      loop.specMix = null;
      loop.mixState = null;
      return false;
    }
    ModeMixPolicy.Mix spec = specMix(resource);
    ModeMixPolicy.Mix rendered =
        loop.effectiveMix == null ? spec : ModeMixPolicy.Mix.of(loop.effectiveMix);
    boolean restart = loop.specMix != null && !loop.specMix.equals(spec);
    ModeMixPolicy.Mix current = restart || loop.effectiveMix == null ? spec : rendered;
    if (loop.mixState == null || restart) {
      loop.mixState =
          ModeMixPolicy.State.start(
              restart || loop.effectiveMix == null ? null : parseTime(loop.effectiveMix.getTime()));
    }
    List<ModeAdvice> advice = ModeAdvisor.advise(loop.history, rowsPerForward(resource), now);
    ModeMixPolicy.Decision d =
        ModeMixPolicy.decide(
            advice,
            scaling.getModeBounds(),
            current,
            loop.mixState,
            replicasChanged,
            loop.lastReplicaChange,
            now,
            new ModeMixPolicy.Settings(
                settings.modeMixMargin(),
                settings.modeMixCycles(),
                settings.modeMixDwell(),
                settings.modeMixStepPercent()));
    loop.mixState = d.state();
    LOG.debugf("autoscaler: %s: mode mix %s: %s", loop.key(), d.mix(), d.reason());
    if (loop.effectiveMix != null && !restart && !d.shifted()) {
      return false;
    }
    String reason =
        d.shifted()
            ? d.reason()
            : restart
                ? "spec.modes.mix changed to %s: the adaptive policy starts from it".formatted(spec)
                : "the adaptive policy starts from spec.modes.mix";
    EffectiveModeMix next = new EffectiveModeMix();
    next.setAutoregressive(d.mix().autoregressive());
    next.setDiffusion(d.mix().diffusion());
    next.setSelfSpeculation(d.mix().selfSpeculation());
    next.setTime(now.truncatedTo(ChronoUnit.SECONDS).toString());
    next.setReason(reason);
    loop.specMix = spec;
    loop.effectiveMix = next;
    if (d.mix().equals(rendered)) {
      return false;
    }
    String message = "mode mix %s -> %s: %s".formatted(rendered, d.mix(), reason);
    events.normal(resource, MODE_MIX_SHIFTED, message);
    metrics.modeMixShifted(loop.namespace, loop.name, d.mix());
    LOG.infof("autoscaler: %s: %s", loop.key(), message);
    return true;
  }

  /** The spec's mix (default: all self-speculation). */
  private static ModeMixPolicy.Mix specMix(NemotronDiffusionDeployment resource) {
    ModeMix mix =
        resource.getSpec().getModes() == null ? null : resource.getSpec().getModes().getMix();
    return mix == null
        ? new ModeMixPolicy.Mix(0, 0, 100)
        : new ModeMixPolicy.Mix(
            Objects.requireNonNullElse(mix.getAutoregressive(), 0),
            Objects.requireNonNullElse(mix.getDiffusion(), 0),
            Objects.requireNonNullElse(mix.getSelfSpeculation(), 0));
  }

  /** Asks the reconciler to render this one fleet again (its ConfigMap carries the new mix). */
  private void requestReconcile(FleetLoop loop) {
    try {
      reconcileRequests.propagateEvent(new ResourceID(loop.name, loop.namespace));
    } catch (RuntimeException notRegistered) {
      // the controller has not registered the source (not started yet): its next reconciliation
      // renders the mix from the status anyway
      LOG.debugf(
          "autoscaler: could not ask for a reconciliation of %s: %s",
          loop.key(), notRegistered.getMessage());
    }
  }

  private static Instant parseTime(String time) {
    try {
      return time == null ? null : Instant.parse(time);
    } catch (java.time.format.DateTimeParseException e) {
      return null;
    }
  }

  /** Rows of one sequence forward per wide mode: the spec's block sizes (defaults 32). */
  private static Map<String, Integer> rowsPerForward(NemotronDiffusionDeployment resource) {
    var modes = resource.getSpec().getModes();
    int diffusion =
        modes == null || modes.getDiffusion() == null || modes.getDiffusion().getBlockSize() == null
            ? 32
            : modes.getDiffusion().getBlockSize();
    int speculation =
        modes == null
                || modes.getSelfSpeculation() == null
                || modes.getSelfSpeculation().getBlockSize() == null
            ? 32
            : modes.getSelfSpeculation().getBlockSize();
    Map<String, Integer> out = new java.util.LinkedHashMap<>();
    out.put("diffusion", diffusion);
    out.put("self-speculation", speculation);
    return out;
  }

  /** ScalingActive: true only while the law decides on fresh measurements. */
  private ScalingStatus.Judgement judge(
      boolean builtin, ScaleDecision decision, FleetSample sample, FleetPods pods) {
    if (!builtin) {
      return ScalingStatus.externalActuator();
    }
    if (decision.inputs().containsKey("demandTokensPerSecond")) {
      return new ScalingStatus.Judgement(
          true,
          SCALING_ON_MEASUREMENTS,
          "deciding every %d s on the metrics of the ready replicas; the last change and its reason"
                  .formatted(settings.interval().toSeconds())
              + " are in status.lastScale and the Events");
    }
    if (pods.targets().isEmpty() || sample.readyReplicas() == 0 && sample.staleReplicas() == 0) {
      return ScalingStatus.waitingForMetrics(sample.replicas());
    }
    return new ScalingStatus.Judgement(
        false,
        METRICS_STALE,
        "%d ready replicas did not answer the metrics scrape in time: replicas are held, never"
                .formatted(sample.staleReplicas())
            + " scaled down blind");
  }

  private boolean scale(FleetLoop loop, Deployment deployment, int replicas) {
    try {
      loop.actuated = replicas;
      loop.actuatedAt = clock.instant();
      client
          .apps()
          .deployments()
          .inNamespace(deployment.getMetadata().getNamespace())
          .withName(deployment.getMetadata().getName())
          .edit(
              d -> {
                d.getSpec().setReplicas(replicas);
                return d;
              });
      return true;
    } catch (KubernetesClientException e) {
      loop.actuated = null;
      LOG.warnf("autoscaler: could not scale %s to %d: %s", loop.key(), replicas, e.getMessage());
      return false;
    }
  }

  private void writeStatus(
      NemotronDiffusionDeployment resource,
      ObservedMetrics observed,
      List<ModeAdvice> modeAdvice,
      ScaleEvent lastScale,
      EffectiveModeMix effectiveModeMix,
      ScalingStatus.Judgement judgement) {
    for (int attempt = 0; attempt < 2 && resource != null; attempt++) {
      long generation = Objects.requireNonNullElse(resource.getMetadata().getGeneration(), 0L);
      NemotronDiffusionDeploymentStatus next =
          ScalingStatus.apply(
              resource.getStatus(),
              generation,
              clock.instant(),
              observed,
              modeAdvice,
              lastScale,
              effectiveModeMix,
              judgement);
      if (ScalingStatus.same(resource.getStatus(), next)) {
        return;
      }
      NemotronDiffusionDeployment copy = new NemotronDiffusionDeployment();
      copy.setMetadata(resource.getMetadata());
      copy.setSpec(resource.getSpec());
      copy.setStatus(next);
      try {
        client.resource(copy).updateStatus();
        return;
      } catch (KubernetesClientException e) {
        if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
          LOG.warnf(
              "autoscaler: could not write the status of %s: %s",
              resource.getMetadata().getName(), e.getMessage());
          return;
        }
        // the reconciler wrote in between: apply the loop's fields onto the latest version
        resource =
            client
                .resources(NemotronDiffusionDeployment.class)
                .inNamespace(resource.getMetadata().getNamespace())
                .withName(resource.getMetadata().getName())
                .get();
      }
    }
  }

  private static <T extends HasMetadata> T cached(
      List<SharedIndexInformer<T>> informers, String key) {
    for (SharedIndexInformer<T> i : informers) {
      T found = i.getStore().getByKey(key);
      if (found != null) {
        return found;
      }
    }
    return null;
  }

  private static List<Pod> byFleet(List<SharedIndexInformer<Pod>> informers, String key) {
    List<Pod> out = new ArrayList<>();
    for (SharedIndexInformer<Pod> i : informers) {
      out.addAll(i.getIndexer().byIndex(FLEET_INDEX, key));
    }
    return out;
  }
}
