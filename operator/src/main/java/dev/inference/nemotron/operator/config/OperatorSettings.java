package dev.inference.nemotron.operator.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Operator-wide settings ({@code nemotron.operator.*} in {@code application.properties}, or the
 * matching {@code NEMOTRON_OPERATOR_*} environment variables).
 */
@ConfigMapping(prefix = "nemotron.operator")
public interface OperatorSettings {

  /** Container image of the inference runtime that every replica runs. */
  @WithDefault("nemotron-inference-pod:0.1.0")
  String image();

  /** Pull policy of that image. */
  @WithDefault("IfNotPresent")
  String imagePullPolicy();

  /**
   * Namespace the operator runs in: its pods scrape the fleet's metrics (builtin autoscaler), so
   * every fleet's NetworkPolicy admits it.
   */
  @WithDefault("nemotron-system")
  String namespace();

  /**
   * Further namespaces allowed to reach the fleets' port for scraping, e.g. where Prometheus runs.
   */
  Optional<List<String>> scrapeNamespaces();

  /**
   * How GPU pods pick their nodes, per {@code spec.gpu.class}: comma-separated {@code
   * CLASS=PLACEMENT} entries ({@code *} for every class), PLACEMENT being {@code product-label} (a
   * required affinity on GPU Feature Discovery's {@code nvidia.com/gpu.product} label with the
   * class's known spellings), {@code resource-only} (the {@code nvidia.com/gpu} request alone, for
   * clusters without GPU Feature Discovery) or product label values separated by {@code |}. E.g.
   * {@code *=resource-only} or {@code H100=NVIDIA-H100-80GB-HBM3,L4=resource-only}. Unset (the
   * default): {@code product-label} for every class. See {@link GpuPlacement}.
   */
  Optional<List<@WithConverter(GpuPlacement.Converter.class) GpuPlacement>> gpuPlacement();

  /**
   * Node directories {@code file://} model sources may mount read-only (hostPath volumes). Empty by
   * default: file:// sources are refused, since a hostPath exposes the node's files.
   */
  Optional<List<String>> allowedHostPathPrefixes();

  /** Numeric user the pods run as (non-root; also the group that owns the weight cache). */
  @WithDefault("10001")
  long runAsUser();

  /**
   * The longest a download may run: the download Job's activeDeadlineSeconds, and, where each
   * replica downloads for itself, part of the Deployment's progress deadline.
   */
  @WithDefault("6h")
  Duration fetchDeadline();

  /**
   * How long a finished download Job is kept (ttlSecondsAfterFinished): a failed one keeps its logs
   * this long and is then run again; a succeeded one is not, the status remembers it.
   */
  @WithDefault("24h")
  Duration fetchRetention();

  /** CPU request of the download container (it streams and hashes files). */
  @WithDefault("500m")
  String fetchCpu();

  /** Memory request and limit of the download container. */
  @WithDefault("1Gi")
  String fetchMemory();
}
