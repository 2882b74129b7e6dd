package dev.inference.nemotron.pod.serve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.inference.nemotron.pod.decode.DecodeRequest;
import dev.inference.nemotron.pod.decode.DecodeResult;
import dev.inference.nemotron.pod.decode.Decoder;
import dev.inference.nemotron.pod.decode.DecodingMode;
import dev.inference.nemotron.pod.decode.SamplingParams;
import dev.inference.nemotron.pod.engine.DeviceContractPass;
import dev.inference.nemotron.pod.engine.ForwardPass;
import dev.inference.nemotron.pod.engine.KvCache;
import dev.inference.nemotron.pod.engine.KvPool;
import dev.inference.nemotron.pod.engine.cpu.CpuForwardPass;
import dev.inference.nemotron.pod.model.Checkpoint;
import dev.inference.nemotron.pod.model.DType;
import dev.inference.nemotron.pod.model.TinyCheckpoint;
import dev.inference.nemotron.pod.model.TinyCheckpointSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every decoder, alone and batched by the scheduler, under the contract of logits a GPU keeps
 * ({@link DeviceContractPass} over the real CPU pass on a tiny checkpoint): the same tokens as the
 * CPU pass used directly, greedy and sampled, with no logit row ever copied back and the logits of
 * each forward used before the next.
 */
class DeviceKeptLogitsTest {
  @TempDir static Path root;
  private static Checkpoint checkpoint;
  private static CpuForwardPass cpu;

  @BeforeAll
  static void open() throws Exception {
    Path dir = root.resolve("tiny");
    TinyCheckpoint.write(
        new TinyCheckpointSpec(32, 2, 64, 4, 2, 16, 384, DType.BF16, 9, 24, 10000, 8, 1, 4, null),
        dir);
    checkpoint = Checkpoint.open(dir);
    cpu = new CpuForwardPass(checkpoint.config(), checkpoint.weights(), checkpoint.draftAdapter());
  }

  @AfterAll
  static void close() {
    checkpoint.close();
  }

  private static List<SamplingParams> samplings(int maxTokens) {
    return List.of(
        SamplingParams.greedy(maxTokens),
        new SamplingParams(0.8, 0, 1, 5, maxTokens, List.of(), List.of()),
        new SamplingParams(1.2, 20, 0.9, 6, maxTokens, List.of(), List.of()));
  }

  private static Decoder decoder(DecodingMode mode) {
    return mode.decoder(mode == DecodingMode.QUADRATIC_SPEC ? 4 : 8, 0.9);
  }

  private static int[] prompt(long seed, int length) {
    SplittableRandom random = new SplittableRandom(seed);
    int[] ids = new int[length];
    for (int i = 0; i < length; i++) {
      do {
        ids[i] = random.nextInt(384);
      } while (ids[i] == cpu.maskTokenId());
    }
    return ids;
  }

  private static DecodeResult decode(Decoder d, ForwardPass pass, int[] p, SamplingParams s) {
    KvCache cache = pass.newCache(d.cacheCapacity(p.length, s.maxTokens()));
    return d.decode(pass, cache, DecodeRequest.of(p, s));
  }

  @Test
  void everyDecoderPicksInPlaceAndEmitsTheHostTokens() {
    int[] p = prompt(1, 9);
    for (DecodingMode mode : DecodingMode.values()) {
      for (SamplingParams s : samplings(24)) {
        DeviceContractPass device = new DeviceContractPass(cpu);
        DecodeResult kept = decode(decoder(mode), device, p, s);
        DecodeResult host = decode(decoder(mode), cpu, p, s);
        assertThat(kept.ids()).as("%s %s", mode, s).containsExactly(host.ids());
        assertThat(kept.forwards()).isEqualTo(host.forwards());
        assertThat(device.rowsRead.get()).as("rows copied back by %s", mode).isZero();
        assertThat(device.picks.get()).isBetween(kept.forwards(), 2 * kept.forwards());
        if (mode == DecodingMode.AUTOREGRESSIVE || mode == DecodingMode.DIFFUSION) {
          assertThat(device.picks.get()).as("one pick per forward").isEqualTo(kept.forwards());
        }
      }
    }
  }

  @Test
  void batchedRequestsPickInPlaceAndEmitWhatEachEmitsAlone() throws Exception {
    DeviceContractPass device = new DeviceContractPass(cpu);
    List<DecodeResult> alone = new ArrayList<>();
    List<SchedulerTest.Outcome> outcomes = new ArrayList<>();
    List<Submission> submissions = new ArrayList<>();
    int i = 0;
    for (DecodingMode mode : DecodingMode.values()) {
      for (SamplingParams s : samplings(12 + i)) {
        int[] p = prompt(10 + i, 3 + i % 6);
        alone.add(decode(decoder(mode), cpu, p, s));
        SchedulerTest.Outcome o = new SchedulerTest.Outcome();
        outcomes.add(o);
        Decoder d = decoder(mode);
        submissions.add(
            new Submission(
                "t",
                1,
                p,
                s,
                null,
                d,
                d.cacheCapacity(p.length, s.maxTokens()),
                System.nanoTime() + TimeUnit.MINUTES.toNanos(5),
                o));
        i++;
      }
    }
    try (Scheduler scheduler =
        new Scheduler(
            device,
            new KvPool(100_000),
            new Scheduler.Settings(4096, 64, 64, 4),
            new ServingMetrics())) {
      for (Submission sub : submissions) {
        scheduler.submit(sub);
      }
      scheduler.start();
      for (int k = 0; k < submissions.size(); k++) {
        DecodeResult batched = outcomes.get(k).result.get(60, TimeUnit.SECONDS);
        assertThat(batched.ids()).as("request %d", k).containsExactly(alone.get(k).ids());
      }
    }
    assertThat(device.rowsRead.get()).isZero();
    assertThat(device.picks.get()).isPositive();
  }
}
