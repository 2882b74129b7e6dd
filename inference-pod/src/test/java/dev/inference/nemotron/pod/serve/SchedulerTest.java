package dev.inference.nemotron.pod.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.inference.nemotron.pod.decode.DecodeRequest;
import dev.inference.nemotron.pod.decode.DecodeResult;
import dev.inference.nemotron.pod.decode.Decoder;
import dev.inference.nemotron.pod.decode.DecodingMode;
import dev.inference.nemotron.pod.decode.SamplingParams;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scheduler on a real tiny checkpoint and the real CPU forward pass: batching changes nothing a
 * request sees, fairness across tenants, backpressure, cancellation and deadlines.
 */
class SchedulerTest {
  @TempDir static Path root;
  private static Checkpoint checkpoint;
  private static CpuForwardPass model;

  @BeforeAll
  static void open() throws Exception {
    Path dir = root.resolve("tiny");
    TinyCheckpoint.write(
        new TinyCheckpointSpec(32, 2, 64, 4, 2, 16, 384, DType.BF16, 7, 24, 10000, 8, 1, 4, null),
        dir);
    checkpoint = Checkpoint.open(dir);
    model =
        new CpuForwardPass(checkpoint.config(), checkpoint.weights(), checkpoint.draftAdapter());
  }

  @AfterAll
  static void close() {
    checkpoint.close();
  }

  /** Collects one sequence's tokens and outcome. */
  static class Outcome implements SequenceObserver {
    final List<Integer> tokens = new ArrayList<>();
    final CompletableFuture<DecodeResult> result = new CompletableFuture<>();
    volatile Failure failure;
    volatile long finishedAt;

    @Override
    public void onToken(int tokenId) {
      tokens.add(tokenId);
    }

    @Override
    public void onFinish(DecodeResult r) {
      finishedAt = System.nanoTime();
      result.complete(r);
    }

    @Override
    public void onFailure(Failure f, String message) {
      failure = f;
      finishedAt = System.nanoTime();
      result.completeExceptionally(new IllegalStateException(f + ": " + message));
    }
  }

  private static int[] prompt(long seed, int length) {
    SplittableRandom random = new SplittableRandom(seed);
    int[] ids = new int[length];
    for (int i = 0; i < length; i++) {
      do {
        ids[i] = random.nextInt(384);
      } while (ids[i] == model.maskTokenId());
    }
    return ids;
  }

  private static Decoder decoder(int i) {
    DecodingMode mode = DecodingMode.values()[i % DecodingMode.values().length];
    return mode.decoder(mode == DecodingMode.QUADRATIC_SPEC ? 4 : 8, 0.9);
  }

  private static Submission submission(
      String tenant, int[] prompt, SamplingParams params, Decoder decoder, Outcome outcome) {
    return new Submission(
        tenant,
        1,
        prompt,
        params,
        null,
        decoder,
        decoder.cacheCapacity(prompt.length, params.maxTokens()),
        System.nanoTime() + TimeUnit.MINUTES.toNanos(5),
        outcome);
  }

  @Test
  void sixteenRequestsBatchedTogetherEmitExactlyWhatEachEmitsAlone() throws Exception {
    int count = 16;
    List<int[]> prompts = new ArrayList<>();
    List<DecodeResult> alone = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int[] p = prompt(100 + i, 3 + i % 7);
      prompts.add(p);
      SamplingParams params = SamplingParams.greedy(20 + i);
      Decoder d = decoder(i);
      KvCache cache = model.newCache(d.cacheCapacity(p.length, params.maxTokens()));
      alone.add(d.decode(model, cache, DecodeRequest.of(p, params)));
    }
    ServingMetrics metrics = new ServingMetrics();
    KvPool pool = new KvPool(100_000);
    List<Outcome> outcomes = new ArrayList<>();
    try (Scheduler scheduler =
        new Scheduler(model, pool, new Scheduler.Settings(4096, 64, 64, 4), metrics)) {
      // Queue everything before the thread starts, so that all sixteen share their forwards.
      for (int i = 0; i < count; i++) {
        Outcome o = new Outcome();
        outcomes.add(o);
        scheduler.submit(
            submission("t", prompts.get(i), SamplingParams.greedy(20 + i), decoder(i), o));
      }
      scheduler.start();
      for (int i = 0; i < count; i++) {
        DecodeResult batched = outcomes.get(i).result.get(60, TimeUnit.SECONDS);
        assertThat(batched.ids()).as("request %d", i).containsExactly(alone.get(i).ids());
        assertThat(batched.forwards()).as("request %d", i).isEqualTo(alone.get(i).forwards());
        assertThat(outcomes.get(i).tokens).containsExactly(box(batched.ids()));
      }
    }
    String scrape = metrics.scrape();
    assertThat(scrape).contains("ndd_batch_sequences_max 16.0");
    assertThat(pool.allocated()).isZero();
    assertThat(pool.reserved()).isZero();
  }

  @Test
  void chunkedPrefillEmitsTheSameTokensAndCountsThePrefillOnce() throws Exception {
    int[] p = prompt(5, 23);
    for (DecodingMode mode : DecodingMode.values()) {
      Decoder d = mode.decoder(mode == DecodingMode.QUADRATIC_SPEC ? 4 : 8, 0.9);
      SamplingParams params = SamplingParams.greedy(12);
      DecodeResult whole =
          d.decode(model, model.newCache(d.cacheCapacity(23, 12)), DecodeRequest.of(p, params));
      DecodeResult chunked =
          d.decode(
              model,
              model.newCache(d.cacheCapacity(23, 12)),
              new DecodeRequest(p, params, null, t -> {}, 5));
      assertThat(chunked.ids()).as(mode.cliName()).containsExactly(whole.ids());
      assertThat(chunked.forwards()).as(mode.cliName()).isEqualTo(whole.forwards());
    }
  }

  @Test
  void aFloodingTenantDoesNotStarveAnother() throws Exception {
    KvPool pool = new KvPool(100_000);
    List<Outcome> flood = new ArrayList<>();
    List<Outcome> polite = new ArrayList<>();
    Decoder ar = DecodingMode.AUTOREGRESSIVE.decoder(1, 0.9);
    try (Scheduler scheduler =
        new Scheduler(model, pool, new Scheduler.Settings(64, 64, 2, 64), new ServingMetrics())) {
      for (int i = 0; i < 12; i++) {
        Outcome o = new Outcome();
        flood.add(o);
        scheduler.submit(submission("flood", prompt(i, 4), SamplingParams.greedy(24), ar, o));
      }
      for (int i = 0; i < 3; i++) {
        Outcome o = new Outcome();
        polite.add(o);
        scheduler.submit(submission("polite", prompt(50 + i, 4), SamplingParams.greedy(24), ar, o));
      }
      scheduler.start();
      for (Outcome o : polite) {
        o.result.get(60, TimeUnit.SECONDS);
      }
      for (Outcome o : flood) {
        o.result.get(60, TimeUnit.SECONDS);
      }
    }
    // FIFO would finish the polite tenant last; fair queueing alternates the two tenants.
    long lastPolite = polite.stream().mapToLong(o -> o.finishedAt).max().orElseThrow();
    long floodDoneBefore = flood.stream().filter(o -> o.finishedAt < lastPolite).count();
    assertThat(floodDoneBefore).isLessThanOrEqualTo(4);
  }

  @Test
  void refusesPastTheQueueLimit() throws Exception {
    KvPool pool = new KvPool(100_000);
    Decoder ar = DecodingMode.AUTOREGRESSIVE.decoder(1, 0.9);
    try (Scheduler scheduler =
        new Scheduler(model, pool, new Scheduler.Settings(64, 2, 1, 64), new ServingMetrics())) {
      scheduler.submit(submission("t", prompt(1, 4), SamplingParams.greedy(4), ar, new Outcome()));
      scheduler.submit(submission("t", prompt(2, 4), SamplingParams.greedy(4), ar, new Outcome()));
      assertThatThrownBy(
              () ->
                  scheduler.submit(
                      submission("t", prompt(3, 4), SamplingParams.greedy(4), ar, new Outcome())))
          .isInstanceOf(Scheduler.RefusedException.class)
          .hasMessageContaining("queue is full");
    }
  }

  @Test
  void aCancelledSequenceStopsAndFreesItsCache() throws Exception {
    KvPool pool = new KvPool(100_000);
    Decoder ar = DecodingMode.AUTOREGRESSIVE.decoder(1, 0.9);
    Outcome o = new Outcome();
    try (Scheduler scheduler =
        new Scheduler(model, pool, new Scheduler.Settings(64, 8, 8, 64), new ServingMetrics())
            .start()) {
      ConcurrentLinkedQueue<Integer> seen = new ConcurrentLinkedQueue<>();
      // The first tokens can arrive before submit() returns the handle: wait for it (submit only
      // enqueues, so the scheduler thread waiting here cannot block it).
      CompletableFuture<Scheduler.Handle> handle = new CompletableFuture<>();
      Outcome cancelling =
          new Outcome() {
            @Override
            public void onToken(int tokenId) {
              super.onToken(tokenId);
              seen.add(tokenId);
              if (seen.size() == 3) {
                handle.join().cancel();
              }
            }
          };
      handle.complete(
          scheduler.submit(
              submission("t", prompt(9, 4), SamplingParams.greedy(180), ar, cancelling)));
      assertThatThrownBy(() -> cancelling.result.get(60, TimeUnit.SECONDS))
          .hasMessageContaining("CANCELLED");
      assertThat(cancelling.tokens.size()).isLessThan(180);
      assertThat(scheduler.awaitIdle(10_000)).isTrue();
    }
    assertThat(pool.allocated()).isZero();
    assertThat(pool.reserved()).isZero();
    assertThat(o.failure).isNull();
  }

  @Test
  void aSequencePastItsDeadlineEndsWithATimeout() throws Exception {
    KvPool pool = new KvPool(100_000);
    Decoder ar = DecodingMode.AUTOREGRESSIVE.decoder(1, 0.9);
    Outcome o = new Outcome();
    try (Scheduler scheduler =
        new Scheduler(model, pool, new Scheduler.Settings(64, 8, 8, 64), new ServingMetrics())
            .start()) {
      int[] p = prompt(3, 4);
      SamplingParams params = SamplingParams.greedy(8);
      scheduler.submit(new Submission("t", 1, p, params, null, ar, 12, System.nanoTime() - 1, o));
      assertThatThrownBy(() -> o.result.get(60, TimeUnit.SECONDS)).hasMessageContaining("TIMEOUT");
    }
    assertThat(pool.reserved()).isZero();
  }

  private static Integer[] box(int[] ids) {
    Integer[] out = new Integer[ids.length];
    for (int i = 0; i < ids.length; i++) {
      out[i] = ids[i];
    }
    return out;
  }
}
