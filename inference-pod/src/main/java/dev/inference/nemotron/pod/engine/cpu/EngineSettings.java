package dev.inference.nemotron.pod.engine.cpu;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The CPU engine's tunables, read from system properties: {@code ndd.threads} (default: available
 * processors), {@code ndd.kernels} ({@code auto}, the default: native where it runs, else {@code
 * vector}; or {@code native}, {@code vector}, {@code scalar}: see {@link Kernels#named}) and {@code
 * ndd.draft.lora} ({@code lowrank}: the LoRA applied on the fly, or {@code merged}: a pre-merged
 * second o_proj).
 *
 * @param threads worker threads for matmuls and attention
 * @param kernels {@code auto}, {@code native}, {@code vector} or {@code scalar}
 * @param draftLora how the draft adapter is applied
 */
public record EngineSettings(int threads, String kernels, DraftLoraMode draftLora) {
  private static final AtomicBoolean ANNOUNCED = new AtomicBoolean();

  /** How the draft LoRA reaches the draft forwards' output projection. */
  public enum DraftLoraMode {
    /** {@code x W_o^T + scale * (x A^T) B^T}: no extra weights, two thin matmuls per layer. */
    LOWRANK,
    /** {@code x (W_o + scale * B A)^T}: a second full o_proj per layer, built at load time. */
    MERGED;

    static DraftLoraMode parse(String value) {
      return switch (value) {
        case "lowrank" -> LOWRANK;
        case "merged" -> MERGED;
        default ->
            throw new IllegalArgumentException(
                "ndd.draft.lora must be 'lowrank' or 'merged', got '" + value + "'");
      };
    }
  }

  public EngineSettings {
    if (threads < 1) {
      throw new IllegalArgumentException("ndd.threads must be at least 1, got " + threads);
    }
    if (!Kernels.NAMES.contains(kernels)) {
      throw Kernels.unknown(kernels);
    }
  }

  /** The settings given by system properties, with their defaults. */
  public static EngineSettings fromSystemProperties() {
    String threads =
        System.getProperty(
            "ndd.threads", String.valueOf(Runtime.getRuntime().availableProcessors()));
    int parsed;
    try {
      parsed = Integer.parseInt(threads.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("ndd.threads must be an integer, got '" + threads + "'");
    }
    return new EngineSettings(
        parsed,
        System.getProperty("ndd.kernels", "auto"),
        DraftLoraMode.parse(System.getProperty("ndd.draft.lora", "lowrank")));
  }

  /** One line naming every tunable and its value. */
  public String describe() {
    return "ndd cpu engine: ndd.threads="
        + threads
        + " ndd.kernels="
        + (kernels.equals("auto") ? "auto:" + NativeKernels.autoName() : kernels)
        + " vector.floats="
        + VectorKernels.lanes()
        + " ndd.draft.lora="
        + draftLora.name().toLowerCase(Locale.ROOT);
  }

  /** Prints {@link #describe()} to stderr, once per process. */
  void announceOnce() {
    if (ANNOUNCED.compareAndSet(false, true)) {
      System.err.println(describe());
    }
  }
}
