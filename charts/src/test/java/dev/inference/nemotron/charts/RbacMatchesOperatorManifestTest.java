package dev.inference.nemotron.charts;

import static dev.inference.nemotron.charts.NemotronOperatorChart.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The chart grants exactly what the operator's own manifest grants (operator/src/main/kubernetes/
 * kubernetes.yml, which GeneratedOperatorManifestIT holds to the reconciler's dependents): every
 * permission, no more. Rules are compared as the permissions they grant, one (API group, resource,
 * resource name, verb) each, so that splitting or regrouping rules does not matter.
 */
class RbacMatchesOperatorManifestTest {

  /** One permission: a verb on a resource (optionally one named object) of an API group. */
  record Permission(String apiGroup, String resource, String resourceName, String verb)
      implements Comparable<Permission> {
    @Override
    public int compareTo(Permission other) {
      return toString().compareTo(other.toString());
    }
  }

  @Test
  void clusterWideRoleGrantsExactlyTheOperatorManifestsRules() throws Exception {
    RenderedChart chart = NemotronOperatorChart.render();

    assertThat(chart.ofKind("Role")).isEmpty();
    assertThat(permissions(chart.one("ClusterRole"))).isEqualTo(operatorManifestPermissions());
  }

  @Test
  void perNamespaceRolesTogetherGrantExactlyTheOperatorManifestsRules() throws Exception {
    RenderedChart chart = NemotronOperatorChart.render("watchNamespaces: [team-a, team-b]\n");

    Set<Permission> granted = new TreeSet<>();
    Stream.concat(chart.ofKind("Role").stream(), chart.ofKind("ClusterRole").stream())
        .forEach(role -> granted.addAll(permissions(role)));
    assertThat(granted).isEqualTo(operatorManifestPermissions());
    // each watched namespace gets every namespaced permission; the Lease only the operator's own
    Set<Permission> watched = permissions(chart.one("Role", "team-a", "nemotron-operator"));
    assertThat(permissions(chart.one("Role", "team-b", "nemotron-operator"))).isEqualTo(watched);
    assertThat(watched)
        .extracting(Permission::resource)
        .contains("nemotrondiffusiondeployments", "deployments", "servicemonitors", "pods")
        .doesNotContain("leases", "customresourcedefinitions");
  }

  @Test
  void everyBindingBindsTheOperatorsServiceAccountToARoleOfTheChart() {
    for (RenderedChart chart :
        List.of(
            NemotronOperatorChart.render(),
            NemotronOperatorChart.render("watchNamespaces: [team-a, team-b]\n"))) {
      List<JsonNode> bindings = new ArrayList<>(chart.ofKind("RoleBinding"));
      bindings.addAll(chart.ofKind("ClusterRoleBinding"));
      assertThat(bindings).isNotEmpty();
      for (JsonNode binding : bindings) {
        String namespace = binding.at("/metadata/namespace").asText();
        String roleKind = binding.at("/roleRef/kind").asText();
        String roleName = binding.at("/roleRef/name").asText();
        if (roleKind.equals("Role")) {
          chart.one("Role", namespace, roleName);
        } else {
          assertThat(chart.ofKind("ClusterRole"))
              .anyMatch(r -> r.at("/metadata/name").asText().equals(roleName));
        }
        assertThat(binding.path("subjects")).hasSize(1);
        assertThat(binding.at("/subjects/0/kind").asText()).isEqualTo("ServiceAccount");
        assertThat(binding.at("/subjects/0/name").asText()).isEqualTo("nemotron-operator");
        assertThat(binding.at("/subjects/0/namespace").asText()).isEqualTo(NAMESPACE);
      }
    }
  }

  private static Set<Permission> operatorManifestPermissions() throws Exception {
    RenderedChart manifest = RenderedChart.parse(Files.readString(ProjectFiles.operatorManifest()));
    Set<Permission> permissions = permissions(manifest.one("ClusterRole"));
    assertThat(permissions).as("the operator's manifest grants something").isNotEmpty();
    return permissions;
  }

  private static Set<Permission> permissions(JsonNode role) {
    Set<Permission> permissions = new TreeSet<>();
    for (JsonNode rule : role.path("rules")) {
      List<String> names = texts(rule.path("resourceNames"));
      for (String group : texts(rule.path("apiGroups"))) {
        for (String resource : texts(rule.path("resources"))) {
          for (String verb : texts(rule.path("verbs"))) {
            if (names.isEmpty()) {
              permissions.add(new Permission(group, resource, "*", verb));
            } else {
              names.forEach(name -> permissions.add(new Permission(group, resource, name, verb)));
            }
          }
        }
      }
    }
    return permissions;
  }

  private static List<String> texts(JsonNode array) {
    List<String> texts = new ArrayList<>();
    array.forEach(node -> texts.add(node.asText()));
    return texts;
  }
}
