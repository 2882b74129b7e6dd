package dev.inference.nemotron.pod.engine.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.inference.nemotron.pod.engine.Chunk;
import dev.inference.nemotron.pod.engine.KvCache;
import dev.inference.nemotron.pod.engine.Logits;
import dev.inference.nemotron.pod.model.Checkpoint;
import dev.inference.nemotron.pod.model.DType;
import dev.inference.nemotron.pod.model.QuantizationPlan;
import dev.inference.nemotron.pod.model.TinyCheckpoint;
import dev.inference.nemotron.pod.model.TinyCheckpointSpec;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Decode steps replayed as CUDA graphs give exactly the logits of plain launches (the same kernels
 * with the same parameters, which are deterministic), across page boundaries of the KV cache and
 * with the adapter rows switching the shape. Needs a CUDA device; skipped without one.
 */
class CudaGraphDeviceTest {
  @TempDir Path root;

  @BeforeEach
  void requireDevice() {
    CudaProbe.Result probe = CudaProbe.probe();
    assumeTrue(probe.usable(), () -> "no usable CUDA device: " + probe.reason());
  }

  @ParameterizedTest
  @ValueSource(strings = {"bf16", "int8", "int4", "fp8"})
  void graphStepsEqualPlainSteps(String quantization) throws Exception {
    Path dir = root.resolve("m");
    TinyCheckpoint.write(
        new TinyCheckpointSpec(64, 2, 128, 4, 2, 16, 384, DType.BF16, 5, 24, 10000, 8, 1, 4, null),
        dir);
    try (Checkpoint checkpoint = Checkpoint.open(dir, true, QuantizationPlan.parse(quantization));
        CudaForwardPass plain = open(checkpoint, "off");
        CudaForwardPass graphed = open(checkpoint, "on")) {
      SplittableRandom random = new SplittableRandom(11);
      int[] prompt = ids(random, 60, plain.maskTokenId());
      KvCache a = plain.newCache(256);
      KvCache b = graphed.newCache(256);
      Chunk prefill = Chunk.causalWrite(prompt, 0, new int[] {59});
      same(plain.forward(a, prefill), graphed.forward(b, prefill), prefill);
      // 60 .. 75 crosses the page boundary at 64; every 5th step is a 4-row draft block with
      // adapter rows, which changes the shape and must settle again.
      for (int position = 60; position < 76; position++) {
        Chunk step =
            position % 5 == 0
                ? Chunk.bidirectionalReadOnly(ids(random, 4, plain.maskTokenId()), position, true)
                : Chunk.causalWrite(ids(random, 1, plain.maskTokenId()), position, new int[] {0});
        same(plain.forward(a, step), graphed.forward(b, step), step);
        if (step.writeRows().length == 0) {
          Chunk write =
              Chunk.causalWrite(ids(random, 1, plain.maskTokenId()), position, new int[] {0});
          same(plain.forward(a, write), graphed.forward(b, write), write);
        }
      }
      assertThat(b.length()).isEqualTo(a.length()).isEqualTo(76);
      assertThat(graphed.graphSummary()).doesNotContain("off").doesNotStartWith("graphs: 0 ");
      assertThat(plain.graphSummary()).startsWith("graphs: 0 launches");
    }
  }

  private static CudaForwardPass open(Checkpoint checkpoint, String graphs) {
    String before = System.getProperty(DecodeGraphs.PROPERTY);
    System.setProperty(DecodeGraphs.PROPERTY, graphs);
    try {
      return new CudaForwardPass(
          checkpoint.config(), checkpoint.weights(), checkpoint.draftAdapter(), 4096, 64);
    } finally {
      if (before == null) {
        System.clearProperty(DecodeGraphs.PROPERTY);
      } else {
        System.setProperty(DecodeGraphs.PROPERTY, before);
      }
    }
  }

  private static int[] ids(SplittableRandom random, int n, int mask) {
    int[] out = new int[n];
    for (int i = 0; i < n; i++) {
      do {
        out[i] = random.nextInt(384);
      } while (out[i] == mask);
    }
    return out;
  }

  private static void same(Logits expected, Logits actual, Chunk chunk) {
    for (int r : chunk.logitRows()) {
      assertThat(actual.row(r)).as("row %d", r).containsExactly(expected.row(r));
    }
  }
}
