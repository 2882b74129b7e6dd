package dev.inference.nemotron.pod.engine.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.inference.nemotron.pod.decode.AutoregressiveDecoder;
import dev.inference.nemotron.pod.decode.DecodeRequest;
import dev.inference.nemotron.pod.decode.Decoder;
import dev.inference.nemotron.pod.decode.DiffusionDecoder;
import dev.inference.nemotron.pod.decode.LinearSpecDecoder;
import dev.inference.nemotron.pod.decode.QuadraticSpecDecoder;
import dev.inference.nemotron.pod.decode.SamplingParams;
import dev.inference.nemotron.pod.engine.Chunk;
import dev.inference.nemotron.pod.engine.ForwardPass;
import dev.inference.nemotron.pod.engine.KvCache;
import dev.inference.nemotron.pod.engine.Logits;
import dev.inference.nemotron.pod.engine.SequenceChunk;
import dev.inference.nemotron.pod.engine.cpu.CpuForwardPass;
import dev.inference.nemotron.pod.engine.cpu.EngineSettings;
import dev.inference.nemotron.pod.model.Checkpoint;
import dev.inference.nemotron.pod.model.DType;
import dev.inference.nemotron.pod.model.TinyCheckpoint;
import dev.inference.nemotron.pod.model.TinyCheckpointSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The GPU forward against the CPU forward on the same checkpoint: logits within tolerance for both
 * attention patterns, every weight format and the draft adapter; the cache after a crop; the
 * decoders' tokens at T = 0 (picked on the device: {@link DeviceLogits}); a batch of 16 against 16
 * single forwards. Needs a CUDA device (compute capability 8.0+) and the PTX; skipped, with the
 * probe's reason, without one.
 */
class CudaForwardPassDeviceTest {
  /** Logits may differ by this share of the row's largest magnitude (fp32 sums in other orders). */
  private static final double TOLERANCE = 2e-3;

  @TempDir Path root;

  @BeforeEach
  void requireDevice() {
    CudaProbe.Result probe = CudaProbe.probe();
    assumeTrue(probe.usable(), () -> "no usable CUDA device: " + probe.reason());
  }

  private record Pair(Checkpoint checkpoint, CpuForwardPass cpu, CudaForwardPass gpu)
      implements AutoCloseable {
    @Override
    public void close() {
      gpu.close();
      checkpoint.close();
    }
  }

  private Pair open(DType dtype, int loraRank) throws Exception {
    Path dir = root.resolve("m-" + dtype + "-" + loraRank);
    TinyCheckpoint.write(
        new TinyCheckpointSpec(
            64, 2, 128, 4, 2, 16, 384, dtype, 5, 24, 10000, 8, 1, loraRank, null),
        dir);
    Checkpoint checkpoint = Checkpoint.open(dir);
    CpuForwardPass cpu =
        new CpuForwardPass(
            checkpoint.config(),
            checkpoint.weights(),
            checkpoint.draftAdapter(),
            new EngineSettings(1, "scalar", EngineSettings.DraftLoraMode.LOWRANK));
    CudaForwardPass gpu =
        new CudaForwardPass(
            checkpoint.config(), checkpoint.weights(), checkpoint.draftAdapter(), 8192, 256);
    return new Pair(checkpoint, cpu, gpu);
  }

  @ParameterizedTest
  @ValueSource(strings = {"BF16", "F32", "F16"})
  void gpuLogitsEqualCpuLogitsForBothPatterns(String dtype) throws Exception {
    try (Pair p = open(DType.valueOf(dtype), 4)) {
      SplittableRandom random = new SplittableRandom(1);
      int[] prompt = ids(random, 30, p.cpu());
      KvCache cpuCache = p.cpu().newCache(128);
      KvCache gpuCache = p.gpu().newCache(128);
      Chunk prefill = Chunk.causalWrite(prompt, 0, Chunk.allRows(prompt.length));
      close(p.cpu().forward(cpuCache, prefill), p.gpu().forward(gpuCache, prefill), prefill);
      // 30 cached positions + 32 rows crosses original_max (24): the llama-4 scale is on.
      for (boolean adapter : new boolean[] {false, true}) {
        Chunk block = Chunk.bidirectionalReadOnly(ids(random, 32, p.cpu()), 30, adapter);
        close(p.cpu().forward(cpuCache, block), p.gpu().forward(gpuCache, block), block);
      }
      Chunk step = Chunk.causalWrite(ids(random, 1, p.cpu()), 30, new int[] {0});
      close(p.cpu().forward(cpuCache, step), p.gpu().forward(gpuCache, step), step);
      assertThat(gpuCache.length()).isEqualTo(31);
      for (int pos : new int[] {0, 17, 30}) {
        assertClose(p.cpu().config().numHiddenLayers() - 1, pos, cpuCache, gpuCache);
      }
    }
  }

  @Test
  void aCroppedCacheEqualsAFreshOne() throws Exception {
    try (Pair p = open(DType.BF16, 0)) {
      SplittableRandom random = new SplittableRandom(2);
      int[] prompt = ids(random, 100, p.cpu());
      KvCache cropped = p.gpu().newCache(256);
      p.gpu().forward(cropped, Chunk.causalWrite(prompt, 0, new int[0]));
      cropped.crop(70); // across a page boundary (64)
      int[] more = ids(random, 10, p.cpu());
      Chunk next = Chunk.causalWrite(more, 70, Chunk.allRows(10));
      Logits a = p.gpu().forward(cropped, next);
      a.prepare(next.logitRows()); // copied now: the next forward reuses the device's logits
      KvCache fresh = p.gpu().newCache(256);
      p.gpu().forward(fresh, Chunk.causalWrite(Arrays.copyOf(prompt, 70), 0, new int[0]));
      Logits b = p.gpu().forward(fresh, next);
      close(b, a, next);
      assertClose(1, 75, fresh, cropped);
    }
  }

  @Test
  void everyDecoderGivesTheCpuTokensAtTemperatureZero() throws Exception {
    try (Pair p = open(DType.BF16, 4)) {
      SplittableRandom random = new SplittableRandom(3);
      SamplingParams greedy = SamplingParams.greedy(40);
      for (int prompt = 0; prompt < 3; prompt++) {
        int[] ids = ids(random, 5 + 4 * prompt, p.cpu());
        for (Decoder d :
            List.of(
                new AutoregressiveDecoder(),
                new DiffusionDecoder(8, 0.9),
                new LinearSpecDecoder(8),
                new QuadraticSpecDecoder(4))) {
          assertThat(decode(d, p.gpu(), ids, greedy))
              .as("%s, prompt %s", d.mode(), Arrays.toString(ids))
              .containsExactly(decode(d, p.cpu(), ids, greedy));
        }
      }
    }
  }

  @Test
  void aBatchOf16EqualsSixteenSingleForwards() throws Exception {
    try (Pair p = open(DType.BF16, 4)) {
      SplittableRandom random = new SplittableRandom(4);
      List<KvCache> alone = new ArrayList<>();
      List<KvCache> together = new ArrayList<>();
      List<Chunk> chunks = new ArrayList<>();
      for (int s = 0; s < 16; s++) {
        int[] prefix = ids(random, 3 + s, p.cpu());
        KvCache a = p.gpu().newCache(64);
        KvCache b = p.gpu().newCache(64);
        p.gpu().forward(a, Chunk.causalWrite(prefix, 0, new int[0]));
        p.gpu().forward(b, Chunk.causalWrite(prefix, 0, new int[0]));
        alone.add(a);
        together.add(b);
        int n = 1 + s % 5;
        chunks.add(
            s % 3 == 2
                ? Chunk.bidirectionalReadOnly(ids(random, n, p.cpu()), prefix.length, true)
                : Chunk.causalWrite(ids(random, n, p.cpu()), prefix.length, Chunk.allRows(n)));
      }
      List<SequenceChunk> batch = new ArrayList<>();
      for (int s = 0; s < 16; s++) {
        batch.add(new SequenceChunk(together.get(s), chunks.get(s)));
      }
      List<Logits> batched = p.gpu().forward(batch);
      batched.forEach(l -> l.prepare(l.rows())); // copied before the single forwards reuse them
      for (int s = 0; s < 16; s++) {
        close(p.gpu().forward(alone.get(s), chunks.get(s)), batched.get(s), chunks.get(s));
        assertThat(together.get(s).length()).isEqualTo(alone.get(s).length());
      }
    }
  }

  private static int[] decode(Decoder d, ForwardPass pass, int[] prompt, SamplingParams params) {
    KvCache cache = pass.newCache(d.cacheCapacity(prompt.length, params.maxTokens()));
    try {
      return d.decode(pass, cache, DecodeRequest.of(prompt, params)).ids();
    } finally {
      cache.release();
    }
  }

  private static void close(Logits expected, Logits actual, Chunk chunk) {
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
            .isCloseTo(e[i], org.assertj.core.data.Offset.offset(TOLERANCE * scale + 1e-4));
      }
    }
  }

  private static void assertClose(int layer, int position, KvCache expected, KvCache actual) {
    float[] ek = expected.keys(layer, position);
    float[] ak = actual.keys(layer, position);
    float[] ev = expected.values(layer, position);
    float[] av = actual.values(layer, position);
    for (int i = 0; i < ek.length; i++) {
      assertThat((double) ak[i]).isCloseTo(ek[i], org.assertj.core.data.Offset.offset(1e-3));
      assertThat((double) av[i]).isCloseTo(ev[i], org.assertj.core.data.Offset.offset(1e-3));
    }
  }

  private static int[] ids(SplittableRandom random, int n, ForwardPass pass) {
    int[] out = new int[n];
    for (int i = 0; i < n; i++) {
      do {
        out[i] = random.nextInt(pass.vocabularySize());
      } while (out[i] == pass.maskTokenId());
    }
    return out;
  }
}
