package dev.inference.nemotron.pod.engine;

import dev.inference.nemotron.pod.engine.cpu.CpuForwardPass;
import dev.inference.nemotron.pod.engine.cpu.EngineSettings;
import dev.inference.nemotron.pod.engine.cuda.CudaForwardPass;
import dev.inference.nemotron.pod.engine.cuda.CudaProbe;
import dev.inference.nemotron.pod.model.DraftAdapter;
import dev.inference.nemotron.pod.model.ModelConfig;
import dev.inference.nemotron.pod.model.ModelWeights;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Builds the forward pass of the backend asked for: {@code ndd.backend} ({@code auto}, the default,
 * {@code cpu} or {@code cuda}; the CLI's {@code --backend}, runtime.yaml's device class). {@code
 * auto} uses the GPU when the CUDA probe finds a usable device with room for the model, and
 * otherwise the CPU, saying why in one line; {@code cuda} without a usable device is an error that
 * says why. Every command and the server build their network here. Both backends take every weight
 * format: BF16/F16/F32 and int8, int4, fp8 (quantized at load or pre-quantized, in the layout of
 * WEIGHT-FORMATS.md, which the CUDA kernels read as stored).
 */
public final class ForwardPassFactory {

  /** The system property naming the backend. */
  public static final String PROPERTY = "ndd.backend";

  /** Forward rows the GPU memory plan provisions activations for (a prefill chunk). */
  public static final int CUDA_PLANNED_ROWS = 2048;

  /** Which engine runs the network. */
  public enum Backend {
    /** The GPU when usable, else the CPU. */
    AUTO,
    /** The CPU engine (JDK Vector API). */
    CPU,
    /** The CUDA engine; an error without a usable GPU. */
    CUDA;

    /** Parses {@code auto}, {@code cpu} or {@code cuda} (any case); a clear error otherwise. */
    public static Backend parse(String value) {
      return switch (value.strip().toLowerCase(Locale.ROOT)) {
        case "auto" -> AUTO;
        case "cpu" -> CPU;
        case "cuda" -> CUDA;
        default ->
            throw new IllegalArgumentException(
                "the backend must be auto, cpu or cuda, got '" + value + "'");
      };
    }

    /** The backend {@code ndd.backend} names (auto when unset). */
    public static Backend fromSystemProperties() {
      return parse(System.getProperty(PROPERTY, "auto"));
    }
  }

  /**
   * What runs, and why when it is not what was asked.
   *
   * @param backend CPU or CUDA
   * @param fallbackReason why {@code auto} fell back to the CPU (empty otherwise)
   */
  public record Choice(Backend backend, Optional<String> fallbackReason) {}

  private ForwardPassFactory() {}

  /**
   * Decides the backend.
   *
   * @param probe the CUDA probe's result (only asked for AUTO and CUDA)
   * @param fitProblem why the model does not fit the probed device, if it does not
   * @throws IllegalStateException when CUDA is requested and cannot run, with the reason
   */
  public static Choice choose(
      Backend requested, Supplier<CudaProbe.Result> probe, Supplier<Optional<String>> fitProblem) {
    if (requested == Backend.CPU) {
      return new Choice(Backend.CPU, Optional.empty());
    }
    CudaProbe.Result result = probe.get();
    if (!result.usable()) {
      if (requested == Backend.CUDA) {
        throw new IllegalStateException(
            "the CUDA backend was requested but cannot run: " + result.reason());
      }
      return new Choice(Backend.CPU, Optional.of(result.reason()));
    }
    Optional<String> problem = fitProblem.get();
    if (problem.isPresent()) {
      if (requested == Backend.CUDA) {
        throw new IllegalStateException(problem.get());
      }
      return new Choice(Backend.CPU, problem);
    }
    return new Choice(Backend.CUDA, Optional.empty());
  }

  /** The forward pass of the backend {@code ndd.backend} names, logging a fallback to stderr. */
  public static ForwardPass create(
      ModelConfig config, ModelWeights weights, Optional<DraftAdapter> adapter) {
    return create(Backend.fromSystemProperties(), config, weights, adapter, System.err);
  }

  /**
   * The forward pass of {@code requested}: a {@link CudaForwardPass} or a {@link CpuForwardPass}
   * with the CPU tunables of the system properties. A fallback of {@code auto} is told to {@code
   * log} in one line.
   */
  public static ForwardPass create(
      Backend requested,
      ModelConfig config,
      ModelWeights weights,
      Optional<DraftAdapter> adapter,
      PrintStream log) {
    Choice choice =
        choose(
            requested,
            CudaProbe::probe,
            () ->
                CudaForwardPass.fitProblem(
                    config, weights, adapter, CudaProbe.probe().device().orElseThrow()));
    choice
        .fallbackReason()
        .ifPresent(why -> log.println("ndd: backend auto: running on the CPU because " + why));
    if (choice.backend() == Backend.CUDA) {
      return new CudaForwardPass(config, weights, adapter, 0, CUDA_PLANNED_ROWS);
    }
    return new CpuForwardPass(config, weights, adapter, EngineSettings.fromSystemProperties());
  }
}
