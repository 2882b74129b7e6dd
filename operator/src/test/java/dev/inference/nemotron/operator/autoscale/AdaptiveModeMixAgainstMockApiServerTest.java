package dev.inference.nemotron.operator.autoscale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.inference.nemotron.api.v1alpha1.EffectiveModeMix;
import dev.inference.nemotron.api.v1alpha1.ModeMix;
import dev.inference.nemotron.api.v1alpha1.ModePolicy;
import dev.inference.nemotron.api.v1alpha1.NemotronDiffusionDeployment;
import dev.inference.nemotron.api.v1alpha1.ScalingSpec;
import dev.inference.nemotron.api.v1alpha1.ScalingTargets;
import dev.inference.nemotron.api.v1alpha1.ShareRange;
import dev.inference.nemotron.operator.SampleFleets;
import dev.inference.nemotron.operator.desired.InferencePodTemplate;
import dev.inference.nemotron.operator.desired.RuntimeLayout;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The adaptive mode policy inside the running operator, against the fabric8 Kubernetes mock API
 * server in CRUD mode (no real API server, no kubelet: the test creates the ready Pod a kubelet
 * would). The pod's metrics endpoint is a {@link LoadedRuntimeStandIn}: a real HTTP server on
 * loopback serving the runtime's snapshot format (STAND-IN for a loaded {@code ndd serve}), here
 * with self-speculation at TPF 2.5 and batched forwards whose cost grows little with their width
 * (20 ms + 0.05 ms per row): self-speculation gives about 1.8x the tokens per second per replica of
 * autoregressive decoding, so the mix must move toward it. The loop runs every 500 ms and the
 * policy's dwell is 1 s here ({@code %test.nemotron.autoscaler.*}).
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class AdaptiveModeMixAgainstMockApiServerTest {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  @Inject KubernetesClient client;

  @Inject MeterRegistry meters;

  private StandInKubelet kubelet;

  @BeforeEach
  void standInKubelet() {
    kubelet = new StandInKubelet(client);
  }

  private static ConditionFactory eventually() {
    return await().atMost(Duration.ofSeconds(25)).pollInterval(Duration.ofMillis(100));
  }

  /** One replica (min = max: the law never scales), adaptive, autoregressive kept 20..50%. */
  private static NemotronDiffusionDeployment adaptiveFleet(String name, String ns) {
    NemotronDiffusionDeployment resource = SampleFleets.chat8b(name, ns);
    resource.getSpec().getModes().setMix(new ModeMix(50, 0, 50));
    ScalingSpec scaling = new ScalingSpec();
    scaling.setMinReplicas(1);
    scaling.setMaxReplicas(1);
    ScalingTargets targets = new ScalingTargets();
    targets.setP95LatencyMs(60_000);
    targets.setTimeToFirstTokenMs(60_000);
    scaling.setTargets(targets);
    scaling.setModePolicy(ModePolicy.ADAPTIVE);
    scaling.getModeBounds().setAutoregressive(new ShareRange(20, 50));
    resource.getSpec().setScaling(scaling);
    return resource;
  }

  /** The mix in the runtime.yaml of the fleet's ConfigMap. */
  private JsonNode renderedMix(String ns, String name) throws Exception {
    ConfigMap cm = client.configMaps().inNamespace(ns).withName(name + "-runtime").get();
    assertThat(cm).isNotNull();
    return YAML.readTree(cm.getData().get(RuntimeLayout.CONFIG_FILE)).at("/modes/mix");
  }

  private NemotronDiffusionDeployment fetch(String ns, String name) {
    return client.resources(NemotronDiffusionDeployment.class).inNamespace(ns).withName(name).get();
  }

  @Test
  void measurementsFavouringSelfSpeculationShiftTheRenderedMixWithinTheBounds() throws Exception {
    String ns = "adaptive-1";
    try (LoadedRuntimeStandIn pod = new LoadedRuntimeStandIn(400, 160, 4, 8, 8)) {
      // 4 or 8 sequences of 32 rows per batched forward, alternating every second
      pod.batches(new LoadedRuntimeStandIn.BatchProfile(20, 0.05, 128, 256, 1.0));
      client.resource(adaptiveFleet("mixed", ns)).create();
      String configHash =
          kubelet
              .deployment(ns, "mixed")
              .getSpec()
              .getTemplate()
              .getMetadata()
              .getAnnotations()
              .get(InferencePodTemplate.CONFIG_HASH);
      eventually()
          .untilAsserted(
              () ->
                  assertThat(renderedMix(ns, "mixed").path("autoregressive").asInt())
                      .isEqualTo(50));
      double reconcilesBefore = reconciles();
      kubelet.readyPod(ns, "mixed", "mixed-0", pod.port());

      // 10 points per shift, autoregressive down to its min of 20: three shifts
      eventually()
          .untilAsserted(
              () -> {
                JsonNode mix = renderedMix(ns, "mixed");
                assertThat(mix.path("autoregressive").asInt()).isEqualTo(20);
                assertThat(mix.path("selfSpeculation").asInt()).isEqualTo(80);
                assertThat(mix.path("diffusion").asInt()).isZero();
              });
      // the status change alone reconciles nothing: each shift asked for one reconciliation
      assertThat(reconciles() - reconcilesBefore).isGreaterThanOrEqualTo(3);
      EffectiveModeMix effective = fetch(ns, "mixed").getStatus().getEffectiveModeMix();
      assertThat(effective.getAutoregressive()).isEqualTo(20);
      assertThat(effective.getSelfSpeculation()).isEqualTo(80);
      assertThat(effective.getReason())
          .contains("selfSpeculation gives")
          .contains("from autoregressive to selfSpeculation");

      List<Event> shifts = kubelet.events(ns, FleetAutoscaler.MODE_MIX_SHIFTED);
      assertThat(shifts)
          .extracting(Event::getMessage)
          .anySatisfy(
              m ->
                  assertThat(m)
                      .startsWith(
                          "mode mix autoregressive 50 / diffusion 0 / selfSpeculation 50 ->"
                              + " autoregressive 40 / diffusion 0 / selfSpeculation 60:"))
          .anySatisfy(m -> assertThat(m).contains("-> autoregressive 20 / diffusion 0"));
      assertThat(shifts).as("one Event per shift: 50 -> 40 -> 30 -> 20").hasSize(3);

      assertThat(fetch(ns, "mixed").getSpec().getModes().getMix().getAutoregressive())
          .as("the spec is never written")
          .isEqualTo(50);
      assertThat(
              kubelet
                  .deployment(ns, "mixed")
                  .getSpec()
                  .getTemplate()
                  .getMetadata()
                  .getAnnotations()
                  .get(InferencePodTemplate.CONFIG_HASH))
          .as("the mix is live configuration: no pod rolls")
          .isEqualTo(configHash);
      assertThat(
              meters
                  .get("nemotron.autoscaler.mode.mix.percent")
                  .tags("namespace", ns, "name", "mixed", "mode", "selfSpeculation")
                  .gauge()
                  .value())
          .isEqualTo(80);
      assertThat(meters.get("nemotron.autoscaler.mode.mix.shifts").counter().count())
          .isGreaterThanOrEqualTo(3);

      // at its bound the mix holds: the loop keeps deciding every 500 ms on unchanged
      // measurements, and asks for no reconciliation (nothing in the fleet changes)
      long cycles = meters.get("nemotron.autoscaler.cycle").timer().count();
      double reconciles = reconciles();
      await()
          .during(Duration.ofSeconds(4))
          .atMost(Duration.ofSeconds(6))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> reconciles() == reconciles);
      assertThat(meters.get("nemotron.autoscaler.cycle").timer().count())
          .as("the loop kept cycling meanwhile")
          .isGreaterThanOrEqualTo(cycles + 4);
      assertThat(kubelet.events(ns, FleetAutoscaler.MODE_MIX_SHIFTED)).hasSize(3);
    }
  }

  /** Reconciliations the operator ran, over every outcome. */
  private double reconciles() {
    return meters.find("nemotron.operator.reconciles").counters().stream()
        .mapToDouble(io.micrometer.core.instrument.Counter::count)
        .sum();
  }
}
