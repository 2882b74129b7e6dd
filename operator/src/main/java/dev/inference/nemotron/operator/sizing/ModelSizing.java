package dev.inference.nemotron.operator.sizing;

import dev.inference.nemotron.operator.sizing.MemoryEstimate.Verdict;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Decides whether a model fits a GPU class before any pod is scheduled, so a deployment that cannot
 * load fails with an explanation instead of a crash-looping pod.
 *
 * <p>The bill per replica: weights in their storage format; a KV cache of {@code layers * 2 *
 * kvHeads * headDim * 2 bytes} (bf16) per token for {@code contextTokens * concurrentSequences}
 * tokens; fp32 activations for one block of rows per sequence; and overhead: a fixed 1 GiB per GPU
 * (CUDA context, cuBLAS workspace, runtime buffers) plus 5% of weights and cache for allocator
 * fragmentation. Layers are split across the replica's GPUs, so their memory adds up.
 */
public final class ModelSizing {

  /** Rows per sequence in one forward pass: a diffusion or speculation block. */
  static final int ROWS_PER_SEQUENCE = 32;

  static final long GIB = 1024L * 1024L * 1024L;
  static final long FIXED_OVERHEAD_PER_GPU = GIB;
  static final double FRAGMENTATION = 0.05;
  private static final int KV_BYTES_PER_ELEMENT = 2;
  private static final int FP32_BYTES = 4;

  private ModelSizing() {}

  /** The memory bill of {@code request} and its verdict with a human explanation. */
  public static MemoryEstimate estimate(SizingRequest request) {
    MemoryEstimate bill = bill(request);
    return new MemoryEstimate(
        bill.weightBytes(),
        bill.kvCacheBytes(),
        bill.activationBytes(),
        bill.overheadBytes(),
        bill.availableBytes(),
        bill.verdict(),
        explain(request, bill));
  }

  /** The numbers and verdict without the explanation (which itself sizes alternatives). */
  private static MemoryEstimate bill(SizingRequest request) {
    ModelShape shape = request.shape();
    long weights =
        request.format().bytesFor(shape.matrixParameters())
            + WeightFormat.BF16.bytesFor(shape.normParameters());
    long tokens = (long) request.contextTokens() * request.concurrentSequences();
    long kvCache =
        (long) shape.layers()
            * 2
            * shape.kvHeads()
            * shape.headDim()
            * KV_BYTES_PER_ELEMENT
            * tokens;
    long rows = (long) ROWS_PER_SEQUENCE * request.concurrentSequences();
    // residual, q/k/v/o and norm buffers (~4 x hidden), gate and up (2 x MLP), logits (vocab)
    long activations =
        rows * (4L * shape.hidden() + 2L * shape.mlpWidth() + shape.vocab()) * FP32_BYTES;
    // One GPU per replica: the model is not split across GPUs (SizingRequest refuses a count > 1).
    long overhead = FIXED_OVERHEAD_PER_GPU + Math.round(FRAGMENTATION * (weights + kvCache));
    long available = request.gpuClass().memoryBytes();
    long required = weights + kvCache + activations + overhead;

    Verdict verdict;
    if (request.format().needsFp8Hardware() && !request.gpuClass().supportsFp8()) {
      verdict = Verdict.UNSUPPORTED_FORMAT;
    } else if (request.gpuClass().isAccelerator() && required > available) {
      verdict = Verdict.TOO_LARGE;
    } else {
      verdict = Verdict.FITS;
    }
    return new MemoryEstimate(weights, kvCache, activations, overhead, available, verdict, "");
  }

  private static boolean fits(SizingRequest request) {
    return bill(request).fits();
  }

  private static String explain(SizingRequest request, MemoryEstimate bill) {
    long weights = bill.weightBytes();
    long kvCache = bill.kvCacheBytes();
    long margin = bill.activationBytes() + bill.overheadBytes();
    long required = bill.requiredBytes();
    long available = bill.availableBytes();
    String model = "model " + request.shape().specName() + " at " + request.format().specName();
    String gpuClass = request.gpuClass().specName();
    String gpus = describeGpus(request);
    return switch (bill.verdict()) {
      case UNSUPPORTED_FORMAT -> {
        List<String> formats = formatsThatFit(request, false);
        String fp8Classes = "a GPU class with FP8 (" + join(classesWithFp8()) + ")";
        yield "%s needs FP8 hardware; GPU class %s has none: choose %s"
            .formatted(
                model,
                gpuClass,
                formats.isEmpty() ? fp8Classes : orList(formats) + ", or " + fp8Classes);
      }
      case TOO_LARGE ->
          "%s needs %s (weights %s, KV cache %s for %d x %d tokens, overhead %s); %s %s: %s"
              .formatted(
                  model,
                  gib(required),
                  gib(weights),
                  gib(kvCache),
                  request.concurrentSequences(),
                  request.contextTokens(),
                  gib(margin),
                  gpus,
                  "has " + gib(available),
                  remedy(request));
      case FITS ->
          request.gpuClass().isAccelerator()
              ? "%s needs %s (weights %s, KV cache %s, overhead %s); %s has %s: fits"
                  .formatted(
                      model,
                      gib(required),
                      gib(weights),
                      gib(kvCache),
                      gib(margin),
                      gpus,
                      gib(available))
              : "%s needs %s of pod memory (weights %s, KV cache %s, overhead %s) on the CPU"
                  .formatted(model, gib(required), gib(weights), gib(kvCache), gib(margin));
    };
  }

  private static String describeGpus(SizingRequest request) {
    return "GPU class " + request.gpuClass().specName();
  }

  private static String remedy(SizingRequest request) {
    List<String> formats = formatsThatFit(request, true);
    List<String> larger =
        Arrays.stream(GpuClass.values())
            .filter(GpuClass::isAccelerator)
            .filter(c -> c.memoryBytes() > request.gpuClass().memoryBytes())
            .filter(c -> fits(request.withGpuClass(c)))
            .sorted(Comparator.comparingLong(GpuClass::memoryBytes))
            .map(GpuClass::specName)
            .toList();
    String largerClass =
        larger.isEmpty()
            ? "a shorter maxContextLength or fewer maxConcurrentSequences (a replica runs on one"
                + " GPU; scale out with spec.replicas)"
            : "a larger GPU class (" + join(larger) + ")";
    return formats.isEmpty()
        ? "choose " + largerClass
        : "choose " + orList(formats) + ", or " + largerClass;
  }

  /** Other weight formats (only smaller ones if {@code smallerOnly}) with which it would fit. */
  private static List<String> formatsThatFit(SizingRequest request, boolean smallerOnly) {
    long requested = request.format().bytesFor(1_000_000);
    return Arrays.stream(WeightFormat.values())
        .filter(f -> f != request.format())
        .filter(f -> !smallerOnly || f.bytesFor(1_000_000) < requested)
        .filter(f -> fits(request.withFormat(f)))
        .map(WeightFormat::specName)
        .toList();
  }

  private static List<String> classesWithFp8() {
    return Arrays.stream(GpuClass.values())
        .filter(GpuClass::isAccelerator)
        .filter(GpuClass::supportsFp8)
        .map(GpuClass::specName)
        .toList();
  }

  private static String join(List<String> names) {
    return String.join(", ", names);
  }

  private static String orList(List<String> names) {
    if (names.size() <= 1) {
      return join(names);
    }
    return names.subList(0, names.size() - 1).stream().collect(Collectors.joining(", "))
        + " or "
        + names.getLast();
  }

  /** Bytes as GiB with one decimal, e.g. {@code 31.2 GiB}. */
  static String gib(long bytes) {
    return String.format(Locale.ROOT, "%.1f GiB", bytes / (double) GIB);
  }
}
