package dev.inference.nemotron.operator.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.inference.nemotron.api.v1alpha1.NemotronDiffusionDeployment;
import dev.inference.nemotron.operator.NemotronDiffusionReconciler;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Deleter;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.dependent.Updater;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResource;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The operator's own manifest as {@code quarkus:build} wrote it at package time ({@code
 * target/kubernetes/kubernetes.yml}): an integration test (Failsafe, after package) because the
 * file does not exist yet when unit tests run.
 */
@EnabledIfSystemProperty(named = "ndd.after-package", matches = "true")
class GeneratedOperatorManifestIT {

  private static final Path MANIFEST = Path.of("target/kubernetes/kubernetes.yml");
  private static final Path PROPERTIES = Path.of("target/classes/application.properties");
  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory())
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private static final List<JsonNode> documents = new ArrayList<>();

  @BeforeAll
  static void readManifest() throws IOException {
    try (var parser = YAML.getFactory().createParser(MANIFEST.toFile())) {
      YAML.readValues(parser, JsonNode.class).forEachRemaining(documents::add);
    }
  }

  private static <T> T only(String kind, Class<T> type) {
    List<JsonNode> matching =
        documents.stream().filter(d -> kind.equals(d.path("kind").asText())).toList();
    assertThat(matching).as("%s objects in %s", kind, MANIFEST).hasSize(1);
    return YAML.convertValue(matching.get(0), type);
  }

  private static Deployment deployment() {
    return only("Deployment", Deployment.class);
  }

  private static Container container() {
    return deployment().getSpec().getTemplate().getSpec().getContainers().get(0);
  }

  @Test
  void operatorNamespaceSettingReadsAnEnvironmentVariableTheDownwardApiSets() throws IOException {
    Properties properties = new Properties();
    try (Reader in = Files.newBufferedReader(PROPERTIES)) {
      properties.load(in);
    }
    Matcher reference =
        Pattern.compile("\\$\\{([A-Z_]+):[^}]*}")
            .matcher(properties.getProperty("nemotron.operator.namespace"));
    assertThat(reference.matches()).as("nemotron.operator.namespace reads a variable").isTrue();
    String variable = reference.group(1);

    EnvVar env =
        container().getEnv().stream()
            .filter(e -> e.getName().equals(variable))
            .findFirst()
            .orElseThrow(() -> new AssertionError(variable + " is not set by the Deployment"));
    assertThat(env.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.namespace");
  }

  @Test
  void clusterRoleBindingNamesTheServiceAccountInTheDeploymentsNamespace() {
    String namespace = deployment().getMetadata().getNamespace();
    assertThat(namespace).isNotBlank();
    ClusterRoleBinding binding = only("ClusterRoleBinding", ClusterRoleBinding.class);
    assertThat(binding.getSubjects())
        .isNotEmpty()
        .allSatisfy(
            s -> {
              assertThat(s.getName())
                  .isEqualTo(
                      deployment().getSpec().getTemplate().getSpec().getServiceAccountName());
              assertThat(s.getNamespace()).isEqualTo(namespace);
            });
  }

  @Test
  void operatorRunsNonRootOnAReadOnlyRootWithoutCapabilitiesUnderRuntimeDefaultSeccomp() {
    PodSpec pod = deployment().getSpec().getTemplate().getSpec();
    var security = container().getSecurityContext();
    assertThat(security).as("container securityContext").isNotNull();
    boolean nonRoot =
        Boolean.TRUE.equals(security.getRunAsNonRoot())
            || (pod.getSecurityContext() != null
                && Boolean.TRUE.equals(pod.getSecurityContext().getRunAsNonRoot()));
    assertThat(nonRoot).as("runAsNonRoot").isTrue();
    assertThat(security.getReadOnlyRootFilesystem()).isTrue();
    assertThat(security.getAllowPrivilegeEscalation()).isFalse();
    assertThat(security.getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(security.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");

    // the JVM needs a writable /tmp on a read-only root
    VolumeMount tmp =
        container().getVolumeMounts().stream()
            .filter(m -> m.getMountPath().equals("/tmp"))
            .findFirst()
            .orElseThrow(() -> new AssertionError("/tmp is not mounted"));
    Volume volume =
        pod.getVolumes().stream()
            .filter(v -> v.getName().equals(tmp.getName()))
            .findFirst()
            .orElseThrow();
    assertThat(volume.getEmptyDir()).isNotNull();
  }

  @Test
  void operatorContainerHasResourcesAPullPolicyAndItsOwnImageName() {
    Container container = container();
    assertThat(container.getResources().getRequests()).containsKeys("cpu", "memory");
    Quantity limit = container.getResources().getLimits().get("memory");
    assertThat(Quantity.getAmountInBytes(limit))
        .isGreaterThanOrEqualTo(
            Quantity.getAmountInBytes(container.getResources().getRequests().get("memory")));
    assertThat(container.getImagePullPolicy()).isEqualTo("IfNotPresent");
    assertThat(container.getImage()).startsWith("nemotron-operator:");
  }

  private static ClusterRole role() {
    return only("ClusterRole", ClusterRole.class);
  }

  /** Verbs the role grants on {@code group}/{@code resource} (no resourceNames restriction). */
  private static Set<String> verbs(String group, String resource) {
    return role().getRules().stream()
        .filter(r -> r.getResourceNames() == null || r.getResourceNames().isEmpty())
        .filter(r -> r.getApiGroups().contains(group) && r.getResources().contains(resource))
        .flatMap(r -> r.getVerbs().stream())
        .collect(Collectors.toSet());
  }

  @Test
  void customResourceIsOnlyReadAndItsStatusWrittenWithoutFinalizers() {
    String group = HasMetadata.getGroup(NemotronDiffusionDeployment.class);
    String plural = HasMetadata.getPlural(NemotronDiffusionDeployment.class);

    assertThat(verbs(group, plural)).containsExactlyInAnyOrder("get", "list", "watch");
    assertThat(verbs(group, plural + "/status"))
        .containsExactlyInAnyOrder("get", "update", "patch");
    assertThat(verbs(group, plural + "/finalizers")).isEmpty();
  }

  /**
   * Every dependent of the reconciler's workflow gets what JOSDK needs for it: read and watch
   * always, create for a Creator, update and patch for an Updater, delete for a Deleter.
   */
  @Test
  void roleCoversWhatEveryWorkflowDependentDoes() throws ReflectiveOperationException {
    Workflow workflow = NemotronDiffusionReconciler.class.getAnnotation(Workflow.class);
    for (Dependent dependent : workflow.dependents()) {
      var instance =
          (KubernetesDependentResource<?, ?>)
              dependent.type().getDeclaredConstructor().newInstance();
      Class<? extends HasMetadata> type = instance.resourceType();
      Set<String> needed = new java.util.TreeSet<>(List.of("get", "list", "watch"));
      if (instance instanceof Creator<?, ?>) {
        needed.addAll(List.of("create", "patch"));
      }
      if (instance instanceof Updater<?, ?>) {
        needed.addAll(List.of("update", "patch"));
      }
      if (instance instanceof Deleter<?>) {
        needed.add("delete");
      }
      assertThat(verbs(HasMetadata.getGroup(type), HasMetadata.getPlural(type)))
          .as("verbs on %s for dependent %s", type.getSimpleName(), dependent.name())
          .containsAll(needed);
    }
  }

  /** The autoscaler finds the pods to scrape through the API: read-only, nothing more. */
  @Test
  void roleReadsPodsForTheAutoscalerAndNeverWritesThem() {
    assertThat(verbs("", "pods")).containsExactlyInAnyOrder("get", "list", "watch");
  }

  @Test
  void clusterRoleBindingBindsTheOperatorsRole() {
    ClusterRoleBinding binding = only("ClusterRoleBinding", ClusterRoleBinding.class);
    assertThat(binding.getRoleRef().getName()).isEqualTo(role().getMetadata().getName());
  }
}
