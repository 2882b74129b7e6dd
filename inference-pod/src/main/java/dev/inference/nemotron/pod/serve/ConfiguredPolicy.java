package dev.inference.nemotron.pod.serve;

import dev.inference.nemotron.pod.decode.DecodingMode;
import dev.inference.nemotron.pod.serve.config.RequestMode;
import dev.inference.nemotron.pod.serve.config.RuntimeConfig;
import dev.inference.nemotron.pod.serve.config.SpeculationSettings;
import dev.inference.nemotron.pod.serve.config.TenantConfig;
import dev.inference.nemotron.pod.serve.config.Tenants;
import java.util.Optional;

/** The {@link ServingPolicy} of a {@code runtime.yaml}: its mode mix, mode settings and tenants. */
final class ConfiguredPolicy implements ServingPolicy {
  private final RuntimeConfig config;
  private final Tenants tenants;

  private ConfiguredPolicy(RuntimeConfig config, Tenants tenants) {
    this.config = config;
    this.tenants = tenants;
  }

  /** The policy of {@code config}; reads the tenants' key files (an error names a missing one). */
  static ConfiguredPolicy of(RuntimeConfig config) {
    return new ConfiguredPolicy(config, Tenants.load(config.tenants()));
  }

  /** The policy of {@code config} with tenants whose keys were already read. */
  static ConfiguredPolicy of(RuntimeConfig config, Tenants tenants) {
    return new ConfiguredPolicy(config, tenants);
  }

  /** The tenants with their keys. */
  Tenants tenants() {
    return tenants;
  }

  @Override
  public RequestMode chooseMode(String requestId) {
    return config.modes().mix().choose(requestId);
  }

  @Override
  public DecodingMode decodingMode(RequestMode mode) {
    return switch (mode) {
      case AUTOREGRESSIVE -> DecodingMode.AUTOREGRESSIVE;
      case DIFFUSION -> DecodingMode.DIFFUSION;
      case SELF_SPECULATION ->
          config.modes().selfSpeculation().variant() == SpeculationSettings.Variant.QUADRATIC
              ? DecodingMode.QUADRATIC_SPEC
              : DecodingMode.LINEAR_SPEC;
    };
  }

  @Override
  public int blockSize(RequestMode mode) {
    return switch (mode) {
      case AUTOREGRESSIVE -> 1;
      case DIFFUSION -> config.modes().diffusion().blockSize();
      case SELF_SPECULATION -> config.modes().selfSpeculation().blockSize();
    };
  }

  @Override
  public double diffusionThreshold() {
    return config.modes().diffusion().threshold();
  }

  @Override
  public boolean open() {
    return tenants.isOpen();
  }

  @Override
  public Optional<Tenant> authenticate(String apiKey) {
    return tenants.authenticate(apiKey).map(ConfiguredPolicy::tenant);
  }

  private static Tenant tenant(TenantConfig t) {
    return new Tenant(
        t.name(),
        t.weight(),
        t.maxConcurrentRequests().isPresent() ? t.maxConcurrentRequests().getAsInt() : null,
        t.tokensPerMinute().isPresent()
            ? (int) Math.min(Integer.MAX_VALUE, t.tokensPerMinute().getAsLong())
            : null);
  }
}
