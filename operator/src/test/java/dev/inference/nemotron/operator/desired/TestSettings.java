package dev.inference.nemotron.operator.desired;

import dev.inference.nemotron.operator.config.OperatorSettings;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Operator settings for pure tests of the desired objects. */
record TestSettings(String image, String namespace, List<String> scrapers)
    implements OperatorSettings {

  static final TestSettings DEFAULT =
      new TestSettings("nemotron-inference-pod:test", "nemotron-system", List.of("monitoring"));

  @Override
  public String imagePullPolicy() {
    return "IfNotPresent";
  }

  @Override
  public Optional<List<String>> scrapeNamespaces() {
    return Optional.of(scrapers);
  }

  @Override
  public Optional<List<String>> allowedHostPathPrefixes() {
    return Optional.of(List.of("/var/lib/ndd/models"));
  }

  @Override
  public long runAsUser() {
    return 10001;
  }

  @Override
  public Duration fetchDeadline() {
    return Duration.ofHours(6);
  }

  @Override
  public Duration fetchRetention() {
    return Duration.ofHours(24);
  }

  @Override
  public String fetchCpu() {
    return "500m";
  }

  @Override
  public String fetchMemory() {
    return "1Gi";
  }
}
