package dev.inference.nemotron.operator.desired;

import static org.assertj.core.api.Assertions.assertThat;

import dev.inference.nemotron.api.v1alpha1.PodTemplateOverrides;
import dev.inference.nemotron.operator.SampleFleets;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every selector of the fleet picks the inference pods and never the weight-download Job's pods,
 * which carry the fleet's name and instance too: otherwise the Service would route requests to a
 * downloader, the budget and /scale (HPA, KEDA) would count it as a replica.
 */
class FleetSelectorsTest {

  private Fleet fleet;
  private Map<String, String> inferencePod;
  private Map<String, String> fetchPod;

  @BeforeEach
  void buildObjects() {
    // the sample has a weight cache, so there is a download Job
    fleet = DesiredObjectsTest.fleet(SampleFleets.chat8b("chat-8b", "team-a"));
    assertThat(fleet.hasWeightCache()).isTrue();
    inferencePod = DesiredDeployment.of(fleet).getSpec().getTemplate().getMetadata().getLabels();
    fetchPod = DesiredFetchJob.of(fleet).getSpec().getTemplate().getMetadata().getLabels();
  }

  private static boolean selects(Map<String, String> selector, Map<String, String> labels) {
    return labels.entrySet().containsAll(selector.entrySet());
  }

  private void selectsInferencePodsOnly(String what, Map<String, String> selector) {
    assertThat(selects(selector, inferencePod)).as(what + " selects the inference pods").isTrue();
    assertThat(selects(selector, fetchPod)).as(what + " selects the download pods").isFalse();
  }

  @Test
  void deploymentSelectorMatchesItsPodsButNotTheDownloadJobsPods() {
    Deployment deployment = DesiredDeployment.of(fleet);
    selectsInferencePodsOnly("Deployment", deployment.getSpec().getSelector().getMatchLabels());
  }

  @Test
  void serviceBudgetAndNetworkPolicySelectTheInferencePodsOnly() {
    selectsInferencePodsOnly("Service", DesiredService.of(fleet).getSpec().getSelector());
    selectsInferencePodsOnly(
        "PodDisruptionBudget",
        DesiredDisruptionBudget.of(fleet).getSpec().getSelector().getMatchLabels());
    selectsInferencePodsOnly(
        "NetworkPolicy",
        DesiredNetworkPolicy.of(fleet).getSpec().getPodSelector().getMatchLabels());
  }

  @Test
  void scaleSelectorOfTheStatusIsTheDeploymentsSelector() {
    Map<String, String> parsed =
        Arrays.stream(Fleet.selector(fleet.name()).split(","))
            .map(term -> term.split("=", 2))
            .collect(Collectors.toMap(kv -> kv[0], kv -> kv[1]));

    assertThat(parsed)
        .isEqualTo(DesiredDeployment.of(fleet).getSpec().getSelector().getMatchLabels());
    selectsInferencePodsOnly("status.selector", parsed);
  }

  @Test
  void downloadPodsAreLabelledAsTheWeightFetchComponentOfTheFleet() {
    assertThat(fetchPod)
        .containsEntry("app.kubernetes.io/component", Fleet.WEIGHT_FETCH)
        .containsEntry("app.kubernetes.io/instance", "chat-8b")
        .containsEntry("app.kubernetes.io/managed-by", Fleet.MANAGED_BY);
  }

  @Test
  void podTemplateLabelsOfTheUserCannotTakeThePodsOutOfTheirSelector() {
    var resource = SampleFleets.chat8b("chat-8b", "team-a");
    var template = new PodTemplateOverrides();
    template.setLabels(Map.of("app.kubernetes.io/component", "other", "team", "a"));
    resource.getSpec().setTemplate(template);
    Fleet overridden = DesiredObjectsTest.fleet(resource);
    Deployment deployment = DesiredDeployment.of(overridden);

    Map<String, String> labels = deployment.getSpec().getTemplate().getMetadata().getLabels();
    assertThat(selects(deployment.getSpec().getSelector().getMatchLabels(), labels)).isTrue();
    assertThat(labels).containsEntry("team", "a");
  }
}
