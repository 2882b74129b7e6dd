package dev.inference.nemotron.operator.sizing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.inference.nemotron.operator.sizing.MemoryEstimate.Verdict;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ModelSizingTest {

  private static final double GIB = 1024.0 * 1024 * 1024;

  private static SizingRequest request(
      String size, String format, String gpuClass, int count, int context, int sequences) {
    return new SizingRequest(
        ModelShape.fromSpecName(size).orElseThrow(),
        WeightFormat.fromSpecName(format).orElseThrow(),
        GpuClass.fromSpecName(gpuClass).orElseThrow(),
        count,
        context,
        sequences);
  }

  @Test
  void parameterCountsMatchThePublishedModelSizes() {
    // MODEL.md §1: ~3.4 B, ~8.5 B, ~13.5 B parameters
    assertThat(ModelShape.B3.matrixParameters() / 1e9).isCloseTo(3.4, within(0.07));
    assertThat(ModelShape.B8.matrixParameters() / 1e9).isCloseTo(8.5, within(0.17));
    assertThat(ModelShape.B14.matrixParameters() / 1e9).isCloseTo(13.5, within(0.27));
  }

  @Test
  void bf16WeightsOfFourteenBMatchTheOfficialCheckpointSize() {
    MemoryEstimate estimate = ModelSizing.estimate(request("14B", "bf16", "H100", 1, 4096, 1));
    // the official BF16 model.safetensors of the 14B is ~27 GB (MODEL.md §1)
    assertThat(estimate.weightBytes() / 1e9).isCloseTo(27.0, within(0.5));
  }

  @Test
  void kvCacheIsLayersTimesKeysAndValuesTimesKvHeadsTimesHeadDimTimesTokens() {
    MemoryEstimate estimate = ModelSizing.estimate(request("14B", "bf16", "H100", 1, 1000, 3));
    long perToken = 40L * 2 * 8 * 128 * 2;
    assertThat(estimate.kvCacheBytes()).isEqualTo(perToken * 1000 * 3);
  }

  @Test
  void quantizedFormatsPayForTheirBlockScales() {
    assertThat(WeightFormat.BF16.bytesFor(64)).isEqualTo(128);
    assertThat(WeightFormat.INT8.bytesFor(64)).isEqualTo(64 + 2 * 2);
    assertThat(WeightFormat.INT4.bytesFor(64)).isEqualTo(32 + 2 * 2);
    assertThat(WeightFormat.FP8.bytesFor(256)).isEqualTo(256 + 2 * 2);
  }

  @Test
  void rejectsFourteenBAtBf16OnL4WithItsNumbers() {
    MemoryEstimate estimate = ModelSizing.estimate(request("14B", "bf16", "L4", 1, 4096, 8));

    assertThat(estimate.verdict()).isEqualTo(Verdict.TOO_LARGE);
    assertThat(estimate.requiredBytes()).isGreaterThan(estimate.availableBytes());
    assertThat(estimate.availableBytes()).isEqualTo(23_034L * 1024 * 1024);
    String required =
        String.format(java.util.Locale.ROOT, "%.1f GiB", estimate.requiredBytes() / GIB);
    assertThat(estimate.explanation())
        .startsWith("model 14B at bf16 needs " + required + " (weights 25.2 GiB, KV cache 5.0 GiB")
        .contains("for 8 x 4096 tokens")
        .contains("GPU class L4 has 22.5 GiB")
        .endsWith(
            "choose fp8, int8 or int4, or a larger GPU class"
                + " (A100-40GB, L40S, H100, A100-80GB, H200, B200, GB200)");
  }

  @Test
  void acceptsEightBAtInt4OnL4() {
    MemoryEstimate estimate = ModelSizing.estimate(request("8B", "int4", "L4", 1, 4096, 8));

    assertThat(estimate.fits()).isTrue();
    assertThat(estimate.requiredBytes()).isLessThan(estimate.availableBytes());
    assertThat(estimate.explanation()).startsWith("model 8B at int4 needs").endsWith("fits");
  }

  @Test
  void rejectsFp8OnAmpereAndNamesTheFormatsThatWouldWork() {
    MemoryEstimate estimate = ModelSizing.estimate(request("14B", "fp8", "A100-80GB", 1, 4096, 8));

    assertThat(estimate.verdict()).isEqualTo(Verdict.UNSUPPORTED_FORMAT);
    assertThat(estimate.explanation())
        .isEqualTo(
            "model 14B at fp8 needs FP8 hardware; GPU class A100-80GB has none: choose bf16, int8"
                + " or int4, or a GPU class with FP8 (H100, H200, B200, GB200, L40S, L4)");
  }

  @Test
  void sizingTheCpuClassReportsPodMemoryInsteadOfRejecting() {
    MemoryEstimate estimate = ModelSizing.estimate(request("14B", "bf16", "CPU", 0, 4096, 8));

    assertThat(estimate.fits()).isTrue();
    assertThat(estimate.explanation()).contains("of pod memory").endsWith("on the CPU");
  }

  @Test
  void rejectsAGpuClassWithoutGpus() {
    assertThatThrownBy(() -> request("8B", "bf16", "H100", 0, 4096, 8))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("gpu.count must be at least 1 for GPU class H100");
  }

  @Test
  void refusesMoreThanOneGpuPerReplicaUntilTensorParallelism() {
    assertThatThrownBy(() -> request("14B", "bf16", "L4", 2, 4096, 8))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("gpu.count above 1 is not supported")
        .hasMessageContaining("spec.replicas");
  }

  @ParameterizedTest(name = "{0} {1} on {3} x {2}, {4} x {5} tokens: {6}")
  @CsvSource({
    // size, format, class, count, context, sequences, verdict
    "14B, bf16, H100,      1, 4096,  8, FITS",
    "14B, bf16, A100-40GB, 1, 4096,  8, FITS",
    "14B, bf16, L40S,      1, 4096,  8, FITS",
    "14B, bf16, L4,        1, 4096,  8, TOO_LARGE",
    "14B, int8, L4,        1, 4096,  8, FITS",
    "14B, int4, L4,        1, 4096,  8, FITS",
    "3B,  bf16, L4,        1, 4096,  8, FITS",
    "14B, fp8,  A100-80GB, 1, 4096,  8, UNSUPPORTED_FORMAT",
    "14B, fp8,  H100,      1, 4096,  8, FITS",
    // 80 GiB of KV cache (8 sequences of 64 Ki tokens) only fits the big-memory classes
    "14B, bf16, H100,      1, 65536, 8, TOO_LARGE",
    "14B, bf16, A100-80GB, 1, 65536, 8, TOO_LARGE",
    "14B, bf16, H200,      1, 65536, 8, FITS",
    "14B, bf16, B200,      1, 65536, 8, FITS",
    "14B, bf16, GB200,     1, 65536, 8, FITS",
    "14B, bf16, CPU,       0, 65536, 8, FITS",
  })
  void verdictsAcrossGpuClasses(
      String size,
      String format,
      String gpuClass,
      int count,
      int context,
      int sequences,
      Verdict expected) {
    MemoryEstimate estimate =
        ModelSizing.estimate(request(size, format, gpuClass, count, context, sequences));

    assertThat(estimate.verdict()).as(estimate.explanation()).isEqualTo(expected);
  }
}
