package dev.inference.nemotron.pod.engine.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.inference.nemotron.pod.engine.Chunk;
import dev.inference.nemotron.pod.engine.KvCache;
import dev.inference.nemotron.pod.engine.Logits;
import dev.inference.nemotron.pod.engine.cpu.CpuForwardPass;
import dev.inference.nemotron.pod.engine.cpu.EngineSettings;
import dev.inference.nemotron.pod.model.Checkpoint;
import dev.inference.nemotron.pod.model.CheckpointQuantizer;
import dev.inference.nemotron.pod.model.DType;
import dev.inference.nemotron.pod.model.QuantFormat;
import dev.inference.nemotron.pod.model.QuantizationPlan;
import dev.inference.nemotron.pod.model.TinyCheckpoint;
import dev.inference.nemotron.pod.model.TinyCheckpointSpec;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The GPU forward against the CPU forward on the same pre-quantized checkpoint (written by {@code
 * ndd quantize}'s {@link CheckpointQuantizer}), for every format and block size: a 30-row prefill
 * (the dequantize + cuBLAS path), a 32-row bidirectional block, 1-row and 8-row steps (the
 * quantized GEMV). Needs a CUDA device; skipped, with the probe's reason, without one.
 *
 * <p>Tolerance, per format, as a share of the row's largest logit magnitude: both engines
 * dequantize every weight to the same fp32 {@code code * scale}, so what differs is the summation
 * order (GEMV: 32 lanes and a butterfly; CPU: vector lanes) and, beyond 8 rows, the BF16 hi/lo
 * split of activations and weights (the dropped lo x lo term is about 2^-16 relative). int8 and
 * int4 with BF16 scales split exactly; fp8's F32 scales keep 16 of 24 bits in hi + lo (2^-17). The
 * same 2e-3 as the float formats of {@link CudaForwardPassDeviceTest} therefore holds for all.
 */
class CudaQuantizedForwardDeviceTest {
  private static final double INT8_TOLERANCE = 2e-3;
  private static final double INT4_TOLERANCE = 2e-3;
  private static final double FP8_TOLERANCE = 2e-3;

  @TempDir Path root;

  @BeforeEach
  void requireDevice() {
    CudaProbe.Result probe = CudaProbe.probe();
    assumeTrue(probe.usable(), () -> "no usable CUDA device: " + probe.reason());
  }

  @ParameterizedTest(name = "{0} blocks of {1}, LM head quantized: {2}")
  @CsvSource({
    "int8, 32, false",
    "int8, 64, false",
    "int8, 32, true",
    "int4, 32, false",
    "int4, 64, false",
    "int4, 64, true",
    "fp8, 32, false",
    "fp8, 32, true"
  })
  void gpuLogitsEqualCpuLogitsOnTheSameQuantizedCheckpoint(
      String format, int blockSize, boolean lmHead) throws Exception {
    QuantFormat f = QuantFormat.fromId(format).orElseThrow();
    double tolerance =
        switch (f) {
          case INT8 -> INT8_TOLERANCE;
          case INT4 -> INT4_TOLERANCE;
          case FP8 -> FP8_TOLERANCE;
        };
    Path bf16 = root.resolve("bf16");
    TinyCheckpoint.write(
        new TinyCheckpointSpec(64, 2, 128, 4, 2, 16, 384, DType.BF16, 5, 24, 10000, 8, 1, 0, null),
        bf16);
    Path quantized = root.resolve("q");
    CheckpointQuantizer.write(
        bf16,
        quantized,
        new QuantizationPlan(f, blockSize, lmHead),
        new PrintStream(OutputStream.nullOutputStream()));
    try (Checkpoint checkpoint = Checkpoint.open(quantized)) {
      assertThat(checkpoint.weights().layers().get(0).downProj().isQuantized()).isTrue();
      assertThat(checkpoint.weights().lmHead().isQuantized()).isEqualTo(lmHead);
      CpuForwardPass cpu =
          new CpuForwardPass(
              checkpoint.config(),
              checkpoint.weights(),
              Optional.empty(),
              new EngineSettings(1, "scalar", EngineSettings.DraftLoraMode.LOWRANK));
      try (CudaForwardPass gpu =
          new CudaForwardPass(
              checkpoint.config(), checkpoint.weights(), Optional.empty(), 8192, 256)) {
        assertThat(gpu.plan().dequantizeBytes()).isPositive();
        SplittableRandom random = new SplittableRandom(7);
        int[] prompt = ids(random, 30, cpu);
        KvCache cpuCache = cpu.newCache(128);
        KvCache gpuCache = gpu.newCache(128);
        Chunk prefill = Chunk.causalWrite(prompt, 0, Chunk.allRows(prompt.length));
        close(cpu.forward(cpuCache, prefill), gpu.forward(gpuCache, prefill), prefill, tolerance);
        Chunk block = Chunk.bidirectionalReadOnly(ids(random, 32, cpu), 30, false);
        close(cpu.forward(cpuCache, block), gpu.forward(gpuCache, block), block, tolerance);
        Chunk eight = Chunk.bidirectionalReadOnly(ids(random, 8, cpu), 30, false);
        close(cpu.forward(cpuCache, eight), gpu.forward(gpuCache, eight), eight, tolerance);
        for (int step = 0; step < 4; step++) {
          Chunk one = Chunk.causalWrite(ids(random, 1, cpu), 30 + step, new int[] {0});
          close(cpu.forward(cpuCache, one), gpu.forward(gpuCache, one), one, tolerance);
        }
        assertThat(gpuCache.length()).isEqualTo(34);
      }
    }
  }

  private static void close(Logits expected, Logits actual, Chunk chunk, double tolerance) {
    for (int r : chunk.logitRows()) {
      float[] e = expected.row(r);
      float[] a = actual.row(r);
      double scale = 0;
      for (float v : e) {
        scale = Math.max(scale, Math.abs(v));
      }
      for (int i = 0; i < e.length; i++) {
        assertThat((double) a[i])
            .as("row %d logit %d", r, i)
            .isCloseTo(e[i], org.assertj.core.data.Offset.offset(tolerance * scale + 1e-4));
      }
    }
  }

  private static int[] ids(SplittableRandom random, int n, CpuForwardPass pass) {
    int[] out = new int[n];
    for (int i = 0; i < n; i++) {
      do {
        out[i] = random.nextInt(pass.vocabularySize());
      } while (out[i] == pass.maskTokenId());
    }
    return out;
  }
}
