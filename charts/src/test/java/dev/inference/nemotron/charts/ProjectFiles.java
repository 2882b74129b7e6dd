package dev.inference.nemotron.charts;

import java.nio.file.Files;
import java.nio.file.Path;

/** Files of the project the chart is checked against, found from the project's root folder. */
final class ProjectFiles {

  private ProjectFiles() {}

  /** The reactor's root: Surefire passes it; an IDE run from the module folder falls back to it. */
  static Path root() {
    String configured = System.getProperty("ndd.project.root");
    Path root = (configured != null ? Path.of(configured) : Path.of("..")).toAbsolutePath();
    Path normalized = root.normalize();
    if (!Files.isRegularFile(normalized.resolve("charts/nemotron-operator/Chart.yaml"))) {
      throw new IllegalStateException(
          "no charts/nemotron-operator/Chart.yaml below "
              + normalized
              + ": run the tests from the project (mvn -pl charts -am verify)");
    }
    return normalized;
  }

  static Path chart() {
    return root().resolve("charts/nemotron-operator");
  }

  /** The CRD as the crds module generates it (the chart ships a copy). */
  static Path generatedCrd() {
    return root()
        .resolve("crds/generated/nemotrondiffusiondeployments.nemotron.inference.dev-v1.yml");
  }

  /** The operator's hand-written manifest: its RBAC rules and container hardening. */
  static Path operatorManifest() {
    return root().resolve("operator/src/main/kubernetes/kubernetes.yml");
  }

  /** The manifest Quarkus renders at package time (absent before the operator is packaged). */
  static Path generatedOperatorManifest() {
    return root().resolve("operator/target/kubernetes/kubernetes.yml");
  }
}
