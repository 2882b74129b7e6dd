package dev.inference.nemotron.pod.engine.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.inference.nemotron.pod.engine.Chunk;
import dev.inference.nemotron.pod.engine.KvCache;
import dev.inference.nemotron.pod.engine.KvDtype;
import dev.inference.nemotron.pod.engine.KvPool;
import dev.inference.nemotron.pod.engine.Logits;
import dev.inference.nemotron.pod.engine.SequenceChunk;
import dev.inference.nemotron.pod.model.Checkpoint;
import dev.inference.nemotron.pod.model.DType;
import dev.inference.nemotron.pod.model.TinyCheckpoint;
import dev.inference.nemotron.pod.model.TinyCheckpointSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The BF16 KV cache: kernels against their scalar twins, rounding, and forwards against F32. */
class Bf16KvCacheTest {
  @TempDir Path root;

  @Test
  void bf16RoundsToNearestEvenAndKeepsNan() {
    assertThat(Bf16.toFloat(Bf16.fromFloat(1.0f))).isEqualTo(1.0f);
    // 1 + 2^-8 lies halfway between two BF16 values: ties go to the even one (1.0).
    assertThat(Bf16.toFloat(Bf16.fromFloat(1.0f + 0x1p-8f))).isEqualTo(1.0f);
    assertThat(Bf16.toFloat(Bf16.fromFloat(1.0f + 0x1.8p-8f))).isEqualTo(1.0f + 0x1p-7f);
    assertThat(Bf16.toFloat(Bf16.fromFloat(Float.NaN))).isNaN();
    assertThat(Bf16.toFloat(Bf16.fromFloat(-3.5f))).isEqualTo(-3.5f);
  }

  @Test
  void vectorBf16KernelsMatchTheirScalarTwins() {
    SplittableRandom random = new SplittableRandom(17);
    Kernels vector = new VectorKernels();
    Kernels scalar = new ScalarKernels();
    for (int trial = 0; trial < 200; trial++) {
      int n = 1 + random.nextInt(300);
      int aOff = random.nextInt(5);
      int bOff = random.nextInt(5);
      float[] a = new float[n + aOff];
      short[] b = new short[n + bOff];
      for (int i = 0; i < a.length; i++) {
        a[i] = (float) random.nextDouble(-1, 1);
      }
      for (int i = 0; i < b.length; i++) {
        b[i] = Bf16.fromFloat((float) random.nextDouble(-1, 1));
      }
      assertThat(vector.dotBf16(a, aOff, b, bOff, n))
          .isCloseTo(scalar.dotBf16(a, aOff, b, bOff, n), within(1e-4f * n));
      float[] y1 = a.clone();
      float[] y2 = a.clone();
      vector.axpyBf16(0.37f, b, bOff, y1, aOff, n);
      scalar.axpyBf16(0.37f, b, bOff, y2, aOff, n);
      assertThat(y1).containsExactly(y2, within(1e-6f));
    }
  }

  @Test
  void vectorSwigluMatchesItsScalarTwinAndDependsOnlyOnTheRow() {
    SplittableRandom random = new SplittableRandom(23);
    Kernels vector = new VectorKernels();
    Kernels scalar = new ScalarKernels();
    for (int trial = 0; trial < 100; trial++) {
      int n = 1 + random.nextInt(200);
      int offset = random.nextInt(9);
      float[] gate = new float[offset + n];
      float[] up = new float[offset + n];
      for (int i = 0; i < gate.length; i++) {
        gate[i] = (float) random.nextDouble(-12, 12);
        up[i] = (float) random.nextDouble(-2, 2);
      }
      float[] g1 = gate.clone();
      float[] g2 = gate.clone();
      vector.swiglu(g1, up, offset, n);
      scalar.swiglu(g2, up, offset, n);
      for (int i = 0; i < gate.length; i++) {
        assertThat(g1[i]).isCloseTo(g2[i], within(1e-5f + Math.abs(g2[i]) * 1e-5f));
      }
      // The same row at another offset gives the same bits: batch position does not matter.
      float[] shifted = new float[n + 3];
      float[] upShifted = new float[n + 3];
      System.arraycopy(gate, offset, shifted, 3, n);
      System.arraycopy(up, offset, upShifted, 3, n);
      vector.swiglu(shifted, upShifted, 3, n);
      for (int i = 0; i < n; i++) {
        assertThat(shifted[3 + i]).isEqualTo(g1[offset + i]);
      }
    }
  }

  @Test
  void aBf16CacheHalvesTheMemoryAndStaysCloseToF32AndBatchInvariant() throws Exception {
    Path dir = root.resolve("m");
    TinyCheckpoint.write(
        new TinyCheckpointSpec(40, 2, 86, 4, 2, 10, 400, DType.BF16, 3, 24, 10000, 8, 1, 0, null),
        dir);
    try (Checkpoint checkpoint = Checkpoint.open(dir)) {
      CpuForwardPass pass =
          new CpuForwardPass(
              checkpoint.config(),
              checkpoint.weights(),
              checkpoint.draftAdapter(),
              new EngineSettings(2, "vector", EngineSettings.DraftLoraMode.LOWRANK));
      int[] prompt = {101, 150, 222, 301, 399, 120, 130};
      KvCache f32 = pass.newCache(32, new KvPool(100, KvDtype.F32));
      KvCache bf16 = pass.newCache(32, new KvPool(100, KvDtype.BF16));
      pass.forward(f32, Chunk.causalWrite(prompt, 0, new int[0]));
      pass.forward(bf16, Chunk.causalWrite(prompt, 0, new int[0]));
      assertThat(((CpuKvCache) bf16).dtype()).isEqualTo(KvDtype.BF16);
      float[] exact = f32.keys(1, 3);
      float[] rounded = bf16.keys(1, 3);
      for (int i = 0; i < exact.length; i++) {
        assertThat(rounded[i]).isCloseTo(exact[i], within(Math.abs(exact[i]) / 128 + 1e-6f));
      }
      Chunk step = Chunk.causalWrite(new int[] {200, 201}, prompt.length, new int[] {0, 1});
      float[] fromF32 = pass.forward(f32, step).row(1);
      Logits alone = pass.forward(bf16, step);
      for (int v = 0; v < fromF32.length; v++) {
        assertThat(alone.row(1)[v])
            .isCloseTo(fromF32[v], within(0.05f + Math.abs(fromF32[v]) * 0.05f));
      }
      // The same BF16 sequence inside a batch gives the same bits.
      KvCache again = pass.newCache(32, new KvPool(100, KvDtype.BF16));
      KvCache other = pass.newCache(32, new KvPool(100, KvDtype.BF16));
      pass.forward(again, Chunk.causalWrite(prompt, 0, new int[0]));
      List<Logits> batched =
          pass.forward(
              List.of(
                  new SequenceChunk(
                      other, Chunk.causalWrite(new int[] {111, 112, 113}, 0, new int[] {2})),
                  new SequenceChunk(again, step)));
      assertThat(batched.get(1).row(1)).containsExactly(alone.row(1));
    }
  }
}
