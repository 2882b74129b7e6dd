package dev.inference.nemotron.pod.serve.config;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/** Reads runtime.yaml's sections into {@link RuntimeConfig}; the key names live here. */
final class RuntimeYaml {

  private RuntimeYaml() {}

  static RuntimeConfig read(ConfigNode root) {
    ModelSection model = model(root.section("model"));
    Quantization quantization =
        root.optionalString("quantization")
            .map(
                name ->
                    Quantization.fromYamlName(name)
                        .orElseThrow(
                            () ->
                                root.fail(
                                    "quantization",
                                    "must be one of %s, got '%s'"
                                        .formatted(Quantization.yamlNames(), name))))
            .orElse(Quantization.BF16);
    DeviceSettings device =
        root.optionalSection("device").map(RuntimeYaml::device).orElse(DeviceSettings.cpu());
    int maxContextLength =
        root.integer("maxContextLength", RuntimeConfig.DEFAULT_MAX_CONTEXT_LENGTH);
    int maxConcurrentSequences =
        root.integer("maxConcurrentSequences", RuntimeConfig.DEFAULT_MAX_CONCURRENT_SEQUENCES);
    ModesSettings modes =
        root.optionalSection("modes").map(RuntimeYaml::modes).orElse(ModesSettings.DEFAULTS);
    int fleetReplicas = root.optionalSection("fleet").map(RuntimeYaml::fleetReplicas).orElse(1);
    List<TenantConfig> tenants =
        root.sections("tenants").stream().map(t -> tenant(t, fleetReplicas)).toList();
    ServerSettings server =
        root.optionalSection("server").map(RuntimeYaml::server).orElse(ServerSettings.DEFAULTS);
    return root.build(
        () ->
            new RuntimeConfig(
                model,
                quantization,
                device,
                maxContextLength,
                maxConcurrentSequences,
                modes,
                tenants,
                server));
  }

  private static ModelSection model(ConfigNode node) {
    Optional<String> size = node.optionalString("size");
    Optional<String> variant = node.optionalString("variant");
    String path = node.string("path");
    Optional<String> source = node.optionalString("source");
    Optional<String> revision = node.optionalString("revision");
    Optional<String> draftAdapter = node.optionalString("draftAdapter");
    Optional<String> servedName = node.optionalString("servedName");
    return node.build(
        () ->
            new ModelSection(
                size, variant, node.path(path), source, revision, draftAdapter, servedName));
  }

  private static DeviceSettings device(ConfigNode node) {
    String deviceClass = node.string("class");
    int count = node.integer("count", deviceClass.equals(DeviceSettings.CPU) ? 0 : 1);
    return node.build(() -> new DeviceSettings(deviceClass, count));
  }

  private static ModesSettings modes(ConfigNode node) {
    ModeMix mix = node.optionalSection("mix").map(RuntimeYaml::mix).orElse(ModeMix.DEFAULT);
    DiffusionSettings diffusion =
        node.optionalSection("diffusion")
            .map(RuntimeYaml::diffusion)
            .orElse(DiffusionSettings.DEFAULTS);
    SpeculationSettings speculation =
        node.optionalSection("selfSpeculation")
            .map(RuntimeYaml::speculation)
            .orElse(SpeculationSettings.DEFAULTS);
    return node.build(() -> new ModesSettings(mix, diffusion, speculation));
  }

  private static ModeMix mix(ConfigNode node) {
    int autoregressive = node.integer("autoregressive", 0);
    int diffusion = node.integer("diffusion", 0);
    int selfSpeculation = node.integer("selfSpeculation", 0);
    return node.build(() -> new ModeMix(autoregressive, diffusion, selfSpeculation));
  }

  private static DiffusionSettings diffusion(ConfigNode node) {
    int blockSize = node.integer("blockSize", DiffusionSettings.DEFAULTS.blockSize());
    double threshold = node.number("threshold", DiffusionSettings.DEFAULTS.threshold());
    return node.build(() -> new DiffusionSettings(blockSize, threshold));
  }

  private static SpeculationSettings speculation(ConfigNode node) {
    int blockSize = node.integer("blockSize", SpeculationSettings.DEFAULTS.blockSize());
    SpeculationSettings.Variant variant =
        node.optionalString("variant")
            .map(
                name ->
                    SpeculationSettings.Variant.fromYamlName(name)
                        .orElseThrow(
                            () ->
                                node.fail(
                                    "variant", "must be linear or quadratic, got '" + name + "'")))
            .orElse(SpeculationSettings.DEFAULTS.variant());
    return node.build(() -> new SpeculationSettings(blockSize, variant));
  }

  /**
   * {@code fleet.replicas}: the replicas of the fleet this server is one of, as the operator last
   * saw them; 1 when the file has no {@code fleet} (a server on its own).
   */
  private static int fleetReplicas(ConfigNode node) {
    int replicas = node.integer("replicas", 1);
    if (replicas < 1) {
      throw node.fail("replicas", "must be at least 1, got " + replicas);
    }
    return node.build(() -> replicas);
  }

  /**
   * A tenant; its {@code tokensPerMinute} in the file is the limit of the whole fleet, of which
   * this server enforces its share: the limit divided by {@code fleetReplicas}, rounded up.
   */
  private static TenantConfig tenant(ConfigNode node, int fleetReplicas) {
    String name = node.string("name");
    String apiKeyFile = node.string("apiKeyFile");
    OptionalLong fleetTokensPerMinute = node.optionalLong("tokensPerMinute");
    OptionalLong tokensPerMinute =
        fleetTokensPerMinute.isPresent() && fleetTokensPerMinute.getAsLong() > 0
            ? OptionalLong.of(Math.ceilDiv(fleetTokensPerMinute.getAsLong(), fleetReplicas))
            : fleetTokensPerMinute;
    OptionalInt maxConcurrentRequests = node.optionalInt("maxConcurrentRequests");
    int weight = node.integer("weight", 1);
    return node.build(
        () ->
            new TenantConfig(
                name, node.path(apiKeyFile), tokensPerMinute, maxConcurrentRequests, weight));
  }

  private static ServerSettings server(ConfigNode node) {
    ServerSettings d = ServerSettings.DEFAULTS;
    int port = node.integer("port", d.port());
    String host = node.string("host", d.host());
    int maxQueuedRequests = node.integer("maxQueuedRequests", d.maxQueuedRequests());
    int maxBodyBytes = node.integer("maxBodyBytes", d.maxBodyBytes());
    int requestTimeoutSeconds = node.integer("requestTimeoutSeconds", d.requestTimeoutSeconds());
    int drainSeconds = node.integer("drainSeconds", d.drainSeconds());
    int maxBatchRows = node.integer("maxBatchRows", d.maxBatchRows());
    int prefillChunk = node.integer("prefillChunk", d.prefillChunk());
    return node.build(
        () ->
            new ServerSettings(
                port,
                host,
                maxQueuedRequests,
                maxBodyBytes,
                requestTimeoutSeconds,
                drainSeconds,
                maxBatchRows,
                prefillChunk));
  }
}
