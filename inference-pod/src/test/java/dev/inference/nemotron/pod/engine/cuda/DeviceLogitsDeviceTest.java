package dev.inference.nemotron.pod.engine.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.inference.nemotron.kernels.cuda.PtxLibrary;
import dev.inference.nemotron.pod.decode.SamplingParams;
import dev.inference.nemotron.pod.decode.TokenPicker;
import dev.inference.nemotron.pod.engine.AttentionMask;
import dev.inference.nemotron.pod.engine.Chunk;
import dev.inference.nemotron.pod.engine.KvCache;
import dev.inference.nemotron.pod.engine.Logits;
import dev.inference.nemotron.pod.model.Checkpoint;
import dev.inference.nemotron.pod.model.DType;
import dev.inference.nemotron.pod.model.TinyCheckpoint;
import dev.inference.nemotron.pod.model.TinyCheckpointSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.JCudaDriver;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tokens picked on the device against the host's {@link TokenPicker} on the same logits: argmax and
 * its confidence exactly (ties, the mask at the maximum), samples up to fp32 rounding of the
 * cumulative distribution (ties at a top-k/top-p cut settled by id, as on the host), a non-finite
 * row flagged; then through {@link CudaForwardPass}'s {@link Logits} (eager and late rows, and the
 * refusal of logits an earlier forward left). Needs a CUDA device; skipped, with the probe's
 * reason, without one.
 */
class DeviceLogitsDeviceTest {
  private static final int VOCAB = 151_669;
  private static final int MASK = 100;

  /** How far (in probability) a draw may sit from the host's interval when fp32 decides. */
  private static final double CDF_SLACK = 1e-4;

  @TempDir Path root;
  private DeviceProfile device;

  @BeforeEach
  void requireDevice() {
    CudaProbe.Result probe = CudaProbe.probe();
    assumeTrue(probe.usable(), () -> "no usable CUDA device: " + probe.reason());
    device = probe.device().orElseThrow();
  }

  /**
   * Rows of distinct random logits, then one hazard each: three ids tied at the maximum (where the
   * top-1, top-2 and small top-p cuts fall, so the tie is settled by id), the mask holding the
   * maximum, the last id dominant.
   */
  private static float[][] randomRows(SplittableRandom random, int n) {
    float[][] rows = new float[n][VOCAB];
    for (int r = 0; r < n; r++) {
      Set<Float> seen = new HashSet<>();
      for (int i = 0; i < VOCAB; i++) {
        float v;
        do {
          v = (float) (random.nextGaussian() * 2.5);
        } while (!seen.add(v));
        rows[r][i] = v;
      }
      switch (r % 4) {
        case 0 -> {
          rows[r][70_000] = 40;
          rows[r][5] = 40;
          rows[r][151_000] = 40;
        }
        case 1 -> rows[r][MASK] = 99;
        case 2 -> rows[r][VOCAB - 1] = 12;
        default -> {}
      }
    }
    return rows;
  }

  @Test
  void devicePicksEqualHostPicksOnRandomLogits() {
    SplittableRandom random = new SplittableRandom(21);
    float[][] rows = randomRows(random, 12);
    float[] flat = new float[rows.length * VOCAB];
    for (int r = 0; r < rows.length; r++) {
      System.arraycopy(rows[r], 0, flat, r * VOCAB, VOCAB);
    }
    try (CudaRuntime cuda = new CudaRuntime(device, PtxLibrary.onClassPath());
        DeviceLogitsPicker picker = new DeviceLogitsPicker(cuda, VOCAB)) {
      CUdeviceptr logits = cuda.allocate((long) flat.length * Float.BYTES);
      cuda.upload(flat, logits);
      JCudaDriver
          .cuCtxSynchronize(); // the pageable copy has landed before the picker's stream reads
      int[] order = {11, 0, 3, 3, 7, 1, 2, 4, 5, 6, 8, 9, 10}; // any order, a row twice
      int[] positions = IntStream.range(0, order.length).map(k -> 40 + k).toArray();
      List<SamplingParams> rules = new ArrayList<>();
      rules.add(SamplingParams.greedy(1));
      for (double t : new double[] {0.5, 1.0, 1.7}) {
        for (int k : new int[] {0, 1, 2, 40, 5000}) {
          for (double p : new double[] {1.0, 0.95, 0.3}) {
            rules.add(new SamplingParams(t, k, p, 7 + k, 1, List.of(), List.of()));
          }
        }
      }
      for (SamplingParams params : rules) {
        TokenPicker host = new TokenPicker(params, MASK);
        double[] u = host.draws(positions, 1);
        DeviceLogitsPicker.Picked picked = picker.pick(logits, order, host, u);
        for (int k = 0; k < order.length; k++) {
          float[] row = rows[order[k]];
          int id = picked.ids()[k];
          assertThat(id).as("%s row %d", params, order[k]).isNotEqualTo(MASK).isNotNegative();
          assertThat((double) picked.confidences()[k])
              .isCloseTo(Logits.confidence(row, id), within(1e-5));
          if (params.greedy()) {
            assertThat(id).isEqualTo(TokenPicker.argmax(row, MASK));
          } else {
            assertWithinRounding(host.candidates(row), u[k], id, host.choose(row, u[k]));
          }
        }
      }
      // A NaN anywhere in a row flags that row alone.
      cuda.upload(new float[] {Float.NaN}, logits.withByteOffset((2L * VOCAB + 9) * Float.BYTES));
      JCudaDriver.cuCtxSynchronize();
      TokenPicker greedy = new TokenPicker(SamplingParams.greedy(1), MASK);
      assertThat(picker.pick(logits, new int[] {1, 2, 3}, greedy, new double[3]).ids())
          .containsExactly(
              TokenPicker.argmax(rows[1], MASK), -1, TokenPicker.argmax(rows[3], MASK));
    }
  }

  /**
   * The device's token is the host's, or (when fp32 arithmetic moved the cumulative distribution) a
   * kept token whose host interval lies within {@link #CDF_SLACK} of the draw.
   */
  private static void assertWithinRounding(
      TokenPicker.Candidates c, double u, int deviceId, int hostId) {
    if (deviceId == hostId) {
      return;
    }
    double from = 0;
    for (int q = 0; q < c.ids().length; q++) {
      double to = from + c.probabilities()[q];
      if (c.ids()[q] == deviceId) {
        assertThat(u)
            .as("draw vs token %d's interval", deviceId)
            .isBetween(from - CDF_SLACK, to + CDF_SLACK);
        return;
      }
      from = to;
    }
    throw new AssertionError("the device picked " + deviceId + ", not a kept token");
  }

  @Test
  void forwardLogitsArePickedOnTheDeviceAsOnTheHost() throws Exception {
    Path dir = root.resolve("m");
    TinyCheckpoint.write(
        new TinyCheckpointSpec(64, 2, 128, 4, 2, 16, 384, DType.BF16, 5, 24, 10000, 8, 1, 4, null),
        dir);
    try (Checkpoint checkpoint = Checkpoint.open(dir);
        CudaForwardPass gpu =
            new CudaForwardPass(
                checkpoint.config(), checkpoint.weights(), checkpoint.draftAdapter(), 4096, 64)) {
      int vocab = gpu.vocabularySize();
      SplittableRandom random = new SplittableRandom(22);
      int[] tokens = random.ints(12, 0, vocab).map(t -> t == gpu.maskTokenId() ? 0 : t).toArray();
      KvCache cache = gpu.newCache(64);
      Chunk chunk =
          new Chunk(
              tokens,
              IntStream.range(0, 12).toArray(),
              AttentionMask.BIDIRECTIONAL,
              new int[0],
              new int[] {0, 1, 2, 3, 4, 5},
              new int[0],
              new int[] {8, 9, 10, 11});
      int[] asked = {1, 3, 4, 9, 11};
      int[] positions = {1, 3, 4, 9, 11};
      for (SamplingParams params :
          List.of(SamplingParams.greedy(1), SamplingParams.sampled(0.8, 5, 1))) {
        TokenPicker picker = new TokenPicker(params, gpu.maskTokenId());
        double[] u = picker.draws(positions, 2);
        Logits onDevice = gpu.forward(cache, chunk);
        Logits.Picks device = onDevice.pickWithConfidence(asked, picker, u);
        float[][] copies = new float[asked.length][];
        for (int k = 0; k < asked.length; k++) {
          copies[k] = onDevice.row(asked[k]).clone();
        }
        Logits.Picks host = new Logits(asked, copies).pickWithConfidence(asked, picker, u);
        for (int k = 0; k < asked.length; k++) {
          if (params.greedy()) {
            assertThat(device.ids()[k]).isEqualTo(host.ids()[k]);
          } else {
            assertWithinRounding(
                picker.candidates(copies[k]), u[k], device.ids()[k], host.ids()[k]);
          }
          assertThat(device.confidences()[k])
              .isCloseTo(Logits.confidence(copies[k], device.ids()[k]), within(1e-5));
        }
      }
    }
  }

  @Test
  void logitsAnEarlierForwardLeftOnTheDeviceAreRefusedUnlessCopied() throws Exception {
    Path dir = root.resolve("s");
    TinyCheckpoint.write(
        new TinyCheckpointSpec(64, 2, 128, 4, 2, 16, 384, DType.BF16, 5, 24, 10000, 8, 1, 0, null),
        dir);
    try (Checkpoint checkpoint = Checkpoint.open(dir);
        CudaForwardPass gpu =
            new CudaForwardPass(
                checkpoint.config(), checkpoint.weights(), checkpoint.draftAdapter(), 4096, 64)) {
      KvCache cache = gpu.newCache(64);
      Logits first = gpu.forward(cache, Chunk.causalWrite(new int[] {1, 2, 3}, 0, new int[] {2}));
      Logits copied = gpu.forward(cache, Chunk.causalWrite(new int[] {4}, 3, new int[] {0}));
      copied.prepare(new int[] {0});
      gpu.forward(cache, Chunk.causalWrite(new int[] {5}, 4, new int[] {0}));
      TokenPicker greedy = new TokenPicker(SamplingParams.greedy(1), gpu.maskTokenId());
      assertThatThrownBy(() -> first.pick(new int[] {2}, greedy, new double[1]))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("pick or read logits before the next forward");
      assertThat(copied.row(0)).hasSize(gpu.vocabularySize());
    }
  }
}
