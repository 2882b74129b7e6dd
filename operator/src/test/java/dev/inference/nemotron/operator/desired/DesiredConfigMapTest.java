package dev.inference.nemotron.operator.desired;

import static org.assertj.core.api.Assertions.assertThat;

import dev.inference.nemotron.api.v1alpha1.DiffusionSpec;
import dev.inference.nemotron.api.v1alpha1.ModeMix;
import dev.inference.nemotron.api.v1alpha1.ModelSize;
import dev.inference.nemotron.api.v1alpha1.ModesSpec;
import dev.inference.nemotron.api.v1alpha1.NemotronDiffusionDeployment;
import dev.inference.nemotron.api.v1alpha1.Quantization;
import dev.inference.nemotron.api.v1alpha1.SelfSpeculationSpec;
import dev.inference.nemotron.api.v1alpha1.SelfSpeculationVariant;
import dev.inference.nemotron.api.v1alpha1.TenantSpec;
import dev.inference.nemotron.operator.SampleFleets;
import dev.inference.nemotron.pod.serve.config.RuntimeConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The runtime configuration and its hash: the hash on the pod template covers what the runtime
 * reads only at start, so that a change of a live setting (modes, a tenant's limits and weight)
 * rewrites the ConfigMap without rolling the pods.
 */
class DesiredConfigMapTest {

  /** The DESIGN.md example with one tenant. */
  private static NemotronDiffusionDeployment sample() {
    NemotronDiffusionDeployment resource = SampleFleets.chat8b("chat-8b", "team-a");
    resource.getSpec().setTenants(new ArrayList<>(List.of(SampleFleets.tenant("search"))));
    return resource;
  }

  private static String document(NemotronDiffusionDeployment resource) {
    return DesiredConfigMap.document(DesiredObjectsTest.fleet(resource));
  }

  private static String hash(NemotronDiffusionDeployment resource) {
    return DesiredConfigMap.configHash(DesiredObjectsTest.fleet(resource));
  }

  /** Whether {@code edit} changes the document and the hash, as {@code [document, hash]}. */
  private static List<Boolean> changes(Consumer<NemotronDiffusionDeployment> edit) {
    NemotronDiffusionDeployment after = sample();
    edit.accept(after);
    return List.of(
        !document(after).equals(document(sample())), !hash(after).equals(hash(sample())));
  }

  private static TenantSpec search(NemotronDiffusionDeployment resource) {
    return resource.getSpec().getTenants().getFirst();
  }

  @Test
  void theServedModelNameIsTheResourceNameRightAfterTheModelPath() {
    List<String> lines = document(sample()).lines().toList();
    int path =
        lines.indexOf(lines.stream().filter(l -> l.startsWith("  path: ")).findFirst().get());

    assertThat(lines.getFirst()).isEqualTo("model:");
    assertThat(lines.get(path + 1)).isEqualTo("  servedName: chat-8b");
  }

  /** The sample fleet as the operator sees it with {@code replicas}. */
  private static Fleet withReplicas(int replicas) {
    Fleet one = DesiredObjectsTest.fleet(sample());
    return new Fleet(
        one.resource(), one.source(), one.gpuClass(), one.sizing(), replicas, one.settings());
  }

  @Test
  void theFleetsReplicaCountIsWrittenLiveSoScalingRewritesTheDocumentButKeepsTheHash() {
    Fleet one = withReplicas(1);
    Fleet three = withReplicas(3);

    assertThat(DesiredConfigMap.document(three)).contains("fleet:\n  replicas: 3\n");
    assertThat(DesiredConfigMap.document(three)).isNotEqualTo(DesiredConfigMap.document(one));
    assertThat(DesiredConfigMap.configHash(three)).isEqualTo(DesiredConfigMap.configHash(one));
    // scaled to zero by an external actuator: nothing to divide among, the file says 1
    assertThat(DesiredConfigMap.document(withReplicas(0))).contains("fleet:\n  replicas: 1\n");
  }

  @Test
  void theRuntimeEnforcesTheFleetsTokenLimitDividedAmongTheReplicas() {
    long limit = search(sample()).getTokensPerMinute();
    Fleet three = withReplicas(3);

    RuntimeConfig read =
        RuntimeConfig.parse(
            DesiredConfigMap.document(three).getBytes(StandardCharsets.UTF_8),
            Path.of("/etc/nemotron/runtime.yaml"));

    assertThat(read.tenants().getFirst().tokensPerMinute()).hasValue(Math.ceilDiv(limit, 3));
  }

  @Test
  void aModeMixChangeRewritesTheDocumentButKeepsTheHash() {
    assertThat(
            changes(
                r -> {
                  ModesSpec modes = new ModesSpec();
                  modes.setMix(new ModeMix(20, 30, 50));
                  r.getSpec().setModes(modes);
                }))
        .containsExactly(true, false);
  }

  @Test
  void modeSettingsChangesRewriteTheDocumentButKeepTheHash() {
    assertThat(
            changes(
                r -> {
                  DiffusionSpec diffusion = new DiffusionSpec();
                  diffusion.setBlockSize(16);
                  diffusion.setThreshold(0.8);
                  SelfSpeculationSpec speculation = new SelfSpeculationSpec();
                  speculation.setVariant(SelfSpeculationVariant.QUADRATIC);
                  r.getSpec().getModes().setDiffusion(diffusion);
                  r.getSpec().getModes().setSelfSpeculation(speculation);
                }))
        .containsExactly(true, false);
  }

  @Test
  void aTenantLimitOrWeightChangeRewritesTheDocumentButKeepsTheHash() {
    assertThat(changes(r -> search(r).setTokensPerMinute(1_000L))).containsExactly(true, false);
    assertThat(changes(r -> search(r).setMaxConcurrentRequests(null))).containsExactly(true, false);
    assertThat(changes(r -> search(r).setWeight(7))).containsExactly(true, false);
  }

  @Test
  void aModelChangeChangesTheHash() {
    assertThat(changes(r -> r.getSpec().getModel().setSize(ModelSize.SIZE_3B)))
        .containsExactly(true, true);
  }

  @Test
  void aQuantizationChangeChangesTheHash() {
    assertThat(changes(r -> r.getSpec().setQuantization(Quantization.INT8)))
        .containsExactly(true, true);
  }

  @Test
  void aContextLengthChangeChangesTheHash() {
    assertThat(changes(r -> r.getSpec().setMaxContextLength(4096))).containsExactly(true, true);
  }

  @Test
  void aTenantAddedOrRemovedChangesTheHash() {
    assertThat(changes(r -> r.getSpec().getTenants().add(SampleFleets.tenant("support"))))
        .containsExactly(true, true);
    assertThat(changes(r -> r.getSpec().setTenants(List.of()))).containsExactly(true, true);
  }
}
