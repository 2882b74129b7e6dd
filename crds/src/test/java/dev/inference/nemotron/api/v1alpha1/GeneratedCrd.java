package dev.inference.nemotron.api.v1alpha1;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The CRD that the build generated from the Java types (crd-generator-maven-plugin, process-classes
 * phase), and the copy committed next to the module that the Helm chart takes.
 */
final class GeneratedCrd {

  static final String FILE_NAME = NemotronDiffusionDeployment.CRD_NAME + "-v1.yml";

  /** Where the plugin writes; it is also packaged into the jar under META-INF/fabric8. */
  static final Path GENERATED = Path.of("target", "classes", "META-INF", "fabric8", FILE_NAME);

  /** The committed copy: reviewed in diffs, copied byte for byte into the chart. */
  static final Path COMMITTED = Path.of("generated", FILE_NAME);

  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private GeneratedCrd() {}

  /** The generated CRD as a tree. */
  static JsonNode document() {
    return readYaml(GENERATED);
  }

  /** The openAPIV3Schema of the only version, v1alpha1. */
  static JsonNode openApiSchema() {
    JsonNode versions = document().path("spec").path("versions");
    if (versions.size() != 1 || !"v1alpha1".equals(versions.get(0).path("name").asText())) {
      throw new IllegalStateException(GENERATED + ": expected exactly one version, v1alpha1");
    }
    return versions.get(0).path("schema").path("openAPIV3Schema");
  }

  static JsonNode readYaml(Path path) {
    if (!Files.isRegularFile(path)) {
      throw new IllegalStateException(
          path.toAbsolutePath() + " does not exist; run the module's build (process-classes)");
    }
    try {
      return YAML.readTree(path.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot parse " + path.toAbsolutePath(), e);
    }
  }
}
