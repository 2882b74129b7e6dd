package dev.inference.nemotron.pod.engine.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.inference.nemotron.pod.engine.AttentionMask;
import dev.inference.nemotron.pod.engine.Chunk;
import dev.inference.nemotron.pod.engine.KvCache;
import dev.inference.nemotron.pod.engine.KvPool;
import dev.inference.nemotron.pod.engine.Logits;
import dev.inference.nemotron.pod.engine.SequenceChunk;
import dev.inference.nemotron.pod.model.Checkpoint;
import dev.inference.nemotron.pod.model.DType;
import dev.inference.nemotron.pod.model.TinyCheckpoint;
import dev.inference.nemotron.pod.model.TinyCheckpointSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A batched forward gives every sequence bit for bit what it gets alone: same logits, same cached
 * K/V, whatever the other rows of the batch. Widths that are not a multiple of the vector length
 * exercise the scalar tails, where a different summation order would show first.
 */
class BatchedForwardTest {
  @TempDir Path root;

  private CpuForwardPass open(DType dtype, int hidden, int headDim, EngineSettings settings)
      throws Exception {
    Path dir = root.resolve("m-" + dtype + "-" + hidden + "-" + settings.threads());
    TinyCheckpoint.write(
        new TinyCheckpointSpec(
            hidden, 2, 2 * hidden + 6, 4, 2, headDim, 400, dtype, 11, 24, 10000, 8, 1, 4, null),
        dir);
    Checkpoint checkpoint = Checkpoint.open(dir);
    return new CpuForwardPass(
        checkpoint.config(), checkpoint.weights(), checkpoint.draftAdapter(), settings);
  }

  @ParameterizedTest
  @ValueSource(strings = {"BF16:40:10", "F32:36:12", "BF16:64:16", "F16:40:10"})
  void everySequenceGetsBitForBitWhatItGetsAlone(String shape) throws Exception {
    String[] parts = shape.split(":");
    CpuForwardPass pass =
        open(
            DType.valueOf(parts[0]),
            Integer.parseInt(parts[1]),
            Integer.parseInt(parts[2]),
            new EngineSettings(2, "vector", EngineSettings.DraftLoraMode.LOWRANK));
    SplittableRandom random = new SplittableRandom(3);
    int[] lengths = {1, 7, 1, 4, 13, 2};
    List<KvCache> alone = new ArrayList<>();
    List<KvCache> batched = new ArrayList<>();
    List<Chunk> prefills = new ArrayList<>();
    for (int s = 0; s < lengths.length; s++) {
      int past = 3 + s;
      int[] prefix = ids(random, past);
      KvCache a = pass.newCache(64);
      KvCache b = pass.newCache(64, new KvPool(1000));
      pass.forward(a, Chunk.causalWrite(prefix, 0, new int[0]));
      pass.forward(b, Chunk.causalWrite(prefix, 0, new int[0]));
      alone.add(a);
      batched.add(b);
      int n = lengths[s];
      int[] tokens = ids(random, n);
      prefills.add(
          s % 3 == 2
              ? Chunk.bidirectionalReadOnly(tokens, past, true)
              : Chunk.causalWrite(tokens, past, Chunk.allRows(n)));
    }
    List<Logits> expected = new ArrayList<>();
    for (int s = 0; s < lengths.length; s++) {
      expected.add(pass.forward(alone.get(s), prefills.get(s)));
    }
    List<SequenceChunk> batch = new ArrayList<>();
    for (int s = 0; s < lengths.length; s++) {
      batch.add(new SequenceChunk(batched.get(s), prefills.get(s)));
    }
    List<Logits> actual = pass.forward(batch);
    for (int s = 0; s < lengths.length; s++) {
      for (int row : prefills.get(s).logitRows()) {
        assertThat(actual.get(s).row(row))
            .as("sequence %d row %d", s, row)
            .containsExactly(expected.get(s).row(row));
      }
      assertThat(batched.get(s).length()).isEqualTo(alone.get(s).length());
      for (int p = 0; p < alone.get(s).length(); p++) {
        assertThat(batched.get(s).keys(1, p)).containsExactly(alone.get(s).keys(1, p));
        assertThat(batched.get(s).values(1, p)).containsExactly(alone.get(s).values(1, p));
      }
    }
  }

  @Test
  void lateLogitRowsEqualEagerOnes() throws Exception {
    CpuForwardPass pass =
        open(
            DType.BF16,
            40,
            10,
            new EngineSettings(1, "vector", EngineSettings.DraftLoraMode.LOWRANK));
    int[] tokens = ids(new SplittableRandom(5), 6);
    Logits eager = pass.forward(pass.newCache(16), Chunk.causalWrite(tokens, 0, Chunk.allRows(6)));
    Logits late =
        pass.forward(
            pass.newCache(16),
            new Chunk(
                tokens,
                new int[] {0, 1, 2, 3, 4, 5},
                AttentionMask.CAUSAL,
                Chunk.allRows(6),
                new int[] {1},
                new int[0],
                new int[] {2, 4, 5}));
    late.prepare(new int[] {4, 2});
    assertThat(late.row(2)).containsExactly(eager.row(2));
    assertThat(late.row(4)).containsExactly(eager.row(4));
    assertThat(late.row(5)).containsExactly(eager.row(5));
    assertThat(late.row(1)).containsExactly(eager.row(1));
    assertThatThrownBy(() -> late.row(3)).hasMessageContaining("no logits were computed for row 3");
  }

  @Test
  void refusesABatchThatNamesOneCacheTwice() throws Exception {
    CpuForwardPass pass =
        open(
            DType.BF16,
            40,
            10,
            new EngineSettings(1, "vector", EngineSettings.DraftLoraMode.LOWRANK));
    KvCache cache = pass.newCache(16);
    Chunk chunk = Chunk.causalWrite(new int[] {1, 2}, 0, new int[] {1});
    assertThatThrownBy(
            () ->
                pass.forward(
                    List.of(new SequenceChunk(cache, chunk), new SequenceChunk(cache, chunk))))
        .hasMessageContaining("same KV cache twice");
    assertThat(cache.length()).isZero();
  }

  @Test
  void aCacheGrowsInBlocksAndGivesItsMemoryBack() throws Exception {
    CpuForwardPass pass =
        open(
            DType.BF16,
            40,
            10,
            new EngineSettings(1, "vector", EngineSettings.DraftLoraMode.LOWRANK));
    KvPool pool = new KvPool(10_000);
    CpuKvCache cache = pass.newCache(1000, pool);
    assertThat(cache.allocated()).isZero();
    pass.forward(cache, Chunk.causalWrite(ids(new SplittableRandom(1), 5), 0, new int[0]));
    assertThat(cache.allocated()).isEqualTo(CpuKvCache.BLOCK);
    assertThat(pool.allocated()).isEqualTo(CpuKvCache.BLOCK);
    cache.release();
    assertThat(pool.allocated()).isZero();
  }

  private static int[] ids(SplittableRandom random, int n) {
    int[] out = new int[n];
    for (int i = 0; i < n; i++) {
      out[i] = 101 + random.nextInt(299);
    }
    return out;
  }
}
