package dev.inference.nemotron.operator.sizing;

import java.util.Objects;

/**
 * What one replica has to hold: a model shape in a weight format on {@code gpuCount} GPUs of one
 * class, serving up to {@code concurrentSequences} sequences of up to {@code contextTokens} tokens.
 *
 * @param shape the model shape
 * @param format how weights are stored
 * @param gpuClass the GPU class of every GPU of the replica
 * @param gpuCount GPUs per replica (at most 1 until tensor parallelism exists); ignored for {@link
 *     GpuClass#CPU}
 * @param contextTokens the longest sequence (prompt + generation) the runtime admits
 * @param concurrentSequences sequences decoded at once, each with its own KV cache
 */
public record SizingRequest(
    ModelShape shape,
    WeightFormat format,
    GpuClass gpuClass,
    int gpuCount,
    int contextTokens,
    int concurrentSequences) {

  public SizingRequest {
    Objects.requireNonNull(shape, "shape");
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(gpuClass, "gpuClass");
    if (gpuClass.isAccelerator() && gpuCount < 1) {
      throw new IllegalArgumentException(
          "gpu.count must be at least 1 for GPU class "
              + gpuClass.specName()
              + ", got "
              + gpuCount);
    }
    if (gpuClass.isAccelerator() && gpuCount > 1) {
      throw new IllegalArgumentException(
          "gpu.count above 1 is not supported: a replica runs on one GPU until tensor parallelism"
              + " exists; scale out with spec.replicas instead (got "
              + gpuCount
              + ")");
    }
    if (contextTokens < 1) {
      throw new IllegalArgumentException("context length must be positive, got " + contextTokens);
    }
    if (concurrentSequences < 1) {
      throw new IllegalArgumentException(
          "concurrent sequences must be positive, got " + concurrentSequences);
    }
  }

  /** The same request with another weight format. */
  public SizingRequest withFormat(WeightFormat other) {
    return new SizingRequest(shape, other, gpuClass, gpuCount, contextTokens, concurrentSequences);
  }

  /** The same request on another GPU class. */
  public SizingRequest withGpuClass(GpuClass other) {
    return new SizingRequest(shape, format, other, gpuCount, contextTokens, concurrentSequences);
  }
}
