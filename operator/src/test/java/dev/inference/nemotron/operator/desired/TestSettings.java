package dev.inference.nemotron.operator.desired;

import dev.inference.nemotron.operator.config.GpuPlacement;
import dev.inference.nemotron.operator.config.OperatorSettings;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** Operator settings for pure tests of the desired objects. */
record TestSettings(
    String image, String namespace, List<String> scrapers, List<GpuPlacement> placements)
    implements OperatorSettings {

  static final TestSettings DEFAULT =
      new TestSettings(
          "nemotron-inference-pod:test", "nemotron-system", List.of("monitoring"), List.of());

  /** These settings with {@code nemotron.operator.gpu-placement} set to {@code entries}. */
  TestSettings withGpuPlacement(String... entries) {
    return new TestSettings(
        image, namespace, scrapers, Stream.of(entries).map(GpuPlacement::valueOf).toList());
  }

  @Override
  public Optional<List<GpuPlacement>> gpuPlacement() {
    return placements.isEmpty() ? Optional.empty() : Optional.of(placements);
  }

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
