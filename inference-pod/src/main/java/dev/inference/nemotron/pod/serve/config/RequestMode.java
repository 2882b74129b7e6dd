package dev.inference.nemotron.pod.serve.config;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * How a request is decoded: the value of the API's {@code mode} extension field, and what the mode
 * mix chooses for a request that names none. Self-speculation runs in the variant the configuration
 * names ({@link SpeculationSettings#variant()}).
 */
public enum RequestMode {
  /** One token per forward. */
  AUTOREGRESSIVE("autoregressive"),
  /** Block diffusion: a block of masked slots revealed over a few forwards. */
  DIFFUSION("diffusion"),
  /** Diffusion drafts a block, the causal pass verifies it; lossless against greedy AR. */
  SELF_SPECULATION("self-speculation");

  private final String apiName;

  RequestMode(String apiName) {
    this.apiName = apiName;
  }

  /** The name in the API's {@code mode} field and in metric labels. */
  public String apiName() {
    return apiName;
  }

  /** The mode whose {@link #apiName()} is {@code name}, if any. */
  public static Optional<RequestMode> fromApiName(String name) {
    return Arrays.stream(values()).filter(m -> m.apiName.equals(name)).findFirst();
  }

  /** Every {@link #apiName()}, in declaration order: for error messages. */
  public static List<String> apiNames() {
    return Arrays.stream(values()).map(RequestMode::apiName).toList();
  }
}
