package dev.inference.nemotron.charts;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The chart under test, driven through Helm itself (helm-java bundles the Helm library). */
final class NemotronOperatorChart {

  static final String RELEASE = "nemotron-operator";
  static final String NAMESPACE = "nemotron-system";

  /** A Kubernetes version the chart supports (helm-java's template otherwise assumes 1.20). */
  static final String KUBE_VERSION = "1.33.0";

  private NemotronOperatorChart() {}

  static LintResult lintStrict() {
    return new Helm(ProjectFiles.chart()).lint().strict().call();
  }

  /** `helm template` with the chart's default values. */
  static RenderedChart render() {
    return RenderedChart.parse(
        new Helm(ProjectFiles.chart())
            .template()
            .withName(RELEASE)
            .withNamespace(NAMESPACE)
            .withKubeVersion(KUBE_VERSION)
            .call());
  }

  /** `helm template -f values.yaml` with {@code valuesYaml} over the defaults. */
  static RenderedChart render(String valuesYaml) {
    try {
      Path values = Files.createTempFile("nemotron-operator-values", ".yaml");
      try {
        Files.writeString(values, valuesYaml);
        return RenderedChart.parse(
            new Helm(ProjectFiles.chart())
                .template()
                .withName(RELEASE)
                .withNamespace(NAMESPACE)
                .withKubeVersion(KUBE_VERSION)
                .withValuesFile(values)
                .call());
      } finally {
        Files.deleteIfExists(values);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
