package dev.inference.nemotron.pod.serve.config;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The runtime's configuration: {@code runtime.yaml}, which the operator's ConfigMap mounts at
 * {@code /etc/nemotron/runtime.yaml} (see the operator's {@code DesiredConfigMap}). Read strictly:
 * the operator and the runtime ship together, so an unknown key is a mistake, not a newer version.
 *
 * <p>Only {@code model.path} is required; every other key defaults to what the operator writes for
 * a resource that leaves it out (context 8192, 8 sequences, every request self-speculating, blocks
 * of 32, no tenants, port 8080), so a hand-written file for a local run can be short.
 *
 * <p>{@code fleet.replicas} (default 1) is the number of replicas of the fleet this server is one
 * of; it is not kept as such: each tenant's {@code tokensPerMinute} in the file is the fleet's
 * limit, and {@link #tenants()} hold this server's share of it ({@link TenantConfig}).
 *
 * <p>Live and restart settings: {@link #modes()} and {@link #tenants()} apply to a running server
 * when the file changes ({@link ConfigWatcher}); the rest sizes memory, threads and sockets at
 * start and needs a restart ({@link #restartKeys(RuntimeConfig)}).
 *
 * @param model the checkpoint
 * @param quantization how weights are stored on the device
 * @param device the accelerator class and count
 * @param maxContextLength longest sequence (prompt plus generated tokens) a request may reach
 * @param maxConcurrentSequences sequences decoded at once (continuous batching)
 * @param modes the mode mix and each mode's settings
 * @param tenants clients with their own keys and limits; empty: the API is open (no key needed)
 * @param server the HTTP server and scheduler tunables
 */
public record RuntimeConfig(
    ModelSection model,
    Quantization quantization,
    DeviceSettings device,
    int maxContextLength,
    int maxConcurrentSequences,
    ModesSettings modes,
    List<TenantConfig> tenants,
    ServerSettings server) {

  /** The operator's default context length. */
  public static final int DEFAULT_MAX_CONTEXT_LENGTH = 8192;

  /** The operator's default number of concurrent sequences. */
  public static final int DEFAULT_MAX_CONCURRENT_SEQUENCES = 8;

  /** Checks the ranges and that tenant names are unique. */
  public RuntimeConfig {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(quantization, "quantization");
    Objects.requireNonNull(device, "device");
    Objects.requireNonNull(modes, "modes");
    Objects.requireNonNull(server, "server");
    tenants = List.copyOf(tenants);
    if (maxContextLength < 16 || maxContextLength > 1 << 20) {
      throw new IllegalArgumentException(
          "maxContextLength must be between 16 and 1048576, got " + maxContextLength);
    }
    if (maxConcurrentSequences < 1 || maxConcurrentSequences > 1024) {
      throw new IllegalArgumentException(
          "maxConcurrentSequences must be between 1 and 1024, got " + maxConcurrentSequences);
    }
    Set<String> names = new HashSet<>();
    for (TenantConfig t : tenants) {
      if (!names.add(t.name())) {
        throw new IllegalArgumentException(
            "tenants: the name '" + t.name() + "' appears more than once; names must be unique");
      }
    }
  }

  /**
   * Reads and checks {@code file}. Every error is an {@link InvalidConfigException} whose message
   * names the file and the key.
   */
  public static RuntimeConfig load(Path file) {
    byte[] yaml;
    try {
      yaml = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new InvalidConfigException(
          file,
          "not found (in a pod the ConfigMap mounts it; locally give --config FILE or --model DIR)");
    } catch (AccessDeniedException e) {
      throw new InvalidConfigException(file, "not readable (permission denied)");
    } catch (IOException e) {
      throw new InvalidConfigException(file, "cannot be read: " + e);
    }
    return parse(yaml, file);
  }

  /** Parses YAML text; {@code file} names it in errors and anchors relative paths. */
  public static RuntimeConfig parse(byte[] yaml, Path file) {
    return RuntimeYaml.read(ConfigNode.parse(file, yaml));
  }

  /**
   * The configuration of {@code ndd serve --model DIR} without a file: the operator's defaults,
   * i.e. every request that names no mode self-speculates (mix 0/0/100), bf16 on the CPU, no
   * tenants (the API is open), port 8080.
   */
  public static RuntimeConfig defaults(Path modelDir) {
    return new RuntimeConfig(
        ModelSection.at(modelDir),
        Quantization.BF16,
        DeviceSettings.cpu(),
        DEFAULT_MAX_CONTEXT_LENGTH,
        DEFAULT_MAX_CONCURRENT_SEQUENCES,
        ModesSettings.DEFAULTS,
        List.of(),
        ServerSettings.DEFAULTS);
  }

  /**
   * The top-level keys whose change needs a restart (model, quantization, device, maxContextLength,
   * maxConcurrentSequences, server) and that differ between this configuration and {@code newer}.
   * The operator rolls the pods for those anyway; a running server ignores them.
   */
  public List<String> restartKeys(RuntimeConfig newer) {
    List<String> keys = new ArrayList<>();
    if (!model.equals(newer.model)) {
      keys.add("model");
    }
    if (quantization != newer.quantization) {
      keys.add("quantization");
    }
    if (!device.equals(newer.device)) {
      keys.add("device");
    }
    if (maxContextLength != newer.maxContextLength) {
      keys.add("maxContextLength");
    }
    if (maxConcurrentSequences != newer.maxConcurrentSequences) {
      keys.add("maxConcurrentSequences");
    }
    if (!server.equals(newer.server)) {
      keys.add("server");
    }
    return List.copyOf(keys);
  }

  /** This configuration with the live settings (modes, tenants) of {@code newer}. */
  public RuntimeConfig withLiveSettingsOf(RuntimeConfig newer) {
    return new RuntimeConfig(
        model,
        quantization,
        device,
        maxContextLength,
        maxConcurrentSequences,
        newer.modes,
        newer.tenants,
        server);
  }
}
