package dev.inference.nemotron.pod.serve.config;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** How weights are stored on the device: {@code quantization} in runtime.yaml. */
public enum Quantization {
  /** bfloat16, the format the checkpoints ship in. */
  BF16("bf16"),
  /** 8-bit floating point. */
  FP8("fp8"),
  /** 8-bit integers with blockwise scales. */
  INT8("int8"),
  /** 4-bit integers with blockwise scales. */
  INT4("int4");

  private final String yamlName;

  Quantization(String yamlName) {
    this.yamlName = yamlName;
  }

  /** The name in runtime.yaml (and in the custom resource). */
  public String yamlName() {
    return yamlName;
  }

  /** The quantization named {@code name}, if any. */
  public static Optional<Quantization> fromYamlName(String name) {
    return Arrays.stream(values()).filter(q -> q.yamlName.equals(name)).findFirst();
  }

  /** Every name, for error messages. */
  public static String yamlNames() {
    return Arrays.stream(values()).map(Quantization::yamlName).collect(Collectors.joining(", "));
  }
}
