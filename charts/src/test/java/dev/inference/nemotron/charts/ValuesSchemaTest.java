package dev.inference.nemotron.charts;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** values.schema.json: Helm refuses to render values that break it, naming the offending key. */
class ValuesSchemaTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "replicaCount: three                       | replicaCount",
        "replicaCount: -1                          | replicaCount",
        "replicas: 2                               | replicas",
        "image: {registry: registry.example}       | registry",
        "image: {pullPolicy: Sometimes}            | pullPolicy",
        "watchNamespaces: team-a                   | watchNamespaces",
        "watchNamespaces: [Team_A]                 | watchNamespaces",
        "allowedHostPathPrefixes: [relative/path]  | allowedHostPathPrefixes",
        "serviceMonitor: {enabled: yes-please}     | enabled",
        "grafanaDashboard: {enable: true}          | enable",
        "runtime: {fetch: {deadline: soon}}        | deadline",
        "gpuPlacement: {V100: resource-only}       | V100",
        "gpuPlacement: {H100: resouce-only}        | H100",
        "gpuPlacement: {H100: [NVIDIA H100]}       | H100",
        // removed: the operator watches the Prometheus Operator's CRD instead of looking again
        "prometheusOperatorRecheck: 60s            | prometheusOperatorRecheck",
      })
  void rejectsValuesTheSchemaForbids(String values, String offendingKey) {
    assertThatThrownBy(() -> NemotronOperatorChart.render(values + "\n"))
        .hasMessageContaining("schema")
        .hasMessageContaining(offendingKey);
  }
}
