package dev.inference.nemotron.charts;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.LintResult;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

class ChartLintTest {

  @Test
  void passesStrictLint() {
    LintResult result = NemotronOperatorChart.lintStrict();

    assertThat(result.isFailed()).as("helm lint --strict: %s", result.getMessages()).isFalse();
    assertThat(result.getMessages())
        .as("strict lint reports no warning")
        .noneMatch(m -> m.contains("[WARNING]") || m.contains("[ERROR]"));
  }

  @Test
  void shipsTheCrdTheCrdsModuleGeneratesByteForByte() throws Exception {
    // the crds module writes the CRD from the Java types; the chart ships a copy: copy it again
    // (cp crds/generated/*.yml charts/nemotron-operator/crds/) when this fails
    byte[] generated = Files.readAllBytes(ProjectFiles.generatedCrd());
    byte[] shipped =
        Files.readAllBytes(
            ProjectFiles.chart()
                .resolve("crds")
                .resolve(ProjectFiles.generatedCrd().getFileName()));

    assertThat(shipped)
        .as("charts/nemotron-operator/crds/ must equal crds/generated/ byte for byte")
        .isEqualTo(generated);
    try (var files = Files.list(ProjectFiles.chart().resolve("crds"))) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .as("the chart ships only the generated CRD")
          .containsExactly(ProjectFiles.generatedCrd().getFileName().toString());
    }
  }
}
