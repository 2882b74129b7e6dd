package dev.inference.nemotron.pod.serve.config;

import java.util.List;
import java.util.Objects;

/**
 * {@code device} in runtime.yaml: what the pod runs on.
 *
 * @param deviceClass the GPU class of the resource ({@code H100}, ..., {@code L4}) or {@code CPU};
 *     the YAML key is {@code class}
 * @param count accelerators per replica: at least 1 for a GPU class; 0 (or anything) for CPU
 */
public record DeviceSettings(String deviceClass, int count) {

  /** The GPU class for running without an accelerator. */
  public static final String CPU = "CPU";

  /** The classes the resource allows. */
  public static final List<String> CLASSES =
      List.of("H100", "H200", "B200", "GB200", "A100-80GB", "A100-40GB", "L40S", "L4", CPU);

  /** Checks the class and count. */
  public DeviceSettings {
    Objects.requireNonNull(deviceClass, "deviceClass");
    if (!CLASSES.contains(deviceClass)) {
      throw new IllegalArgumentException(
          "class must be one of " + String.join(", ", CLASSES) + ", got '" + deviceClass + "'");
    }
    if (count < 0 || count > 64) {
      throw new IllegalArgumentException("count must be between 0 and 64, got " + count);
    }
    if (!deviceClass.equals(CPU) && count < 1) {
      throw new IllegalArgumentException(
          "count must be >= 1 for GPU class " + deviceClass + ", got " + count);
    }
  }

  /** No accelerator. */
  public static DeviceSettings cpu() {
    return new DeviceSettings(CPU, 0);
  }

  /** Whether the pod runs without an accelerator. */
  public boolean isCpu() {
    return deviceClass.equals(CPU);
  }
}
