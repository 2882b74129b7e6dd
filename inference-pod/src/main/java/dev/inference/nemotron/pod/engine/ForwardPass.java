package dev.inference.nemotron.pod.engine;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The network of MODEL.md §4 seen by the decoders: one forward over a {@link Chunk}, against a
 * sequence's {@link KvCache}. Every decoding mode is built on this one call; only the chunk's
 * switches differ.
 */
public interface ForwardPass {

  /** Size of the output vocabulary (length of every logit row). */
  int vocabularySize();

  /** The mask token's id ({@code mask_token_id}): embedded like any token, never emitted. */
  int maskTokenId();

  /** Whether a draft adapter is loaded, so that {@link Chunk#adapterRows()} have an effect. */
  boolean hasDraftAdapter();

  /** A new, empty cache for one sequence of up to {@code capacity} positions. */
  KvCache newCache(int capacity);

  /**
   * A new, empty cache whose memory is taken from {@code pool} as it grows. Backends without pooled
   * memory ignore the pool.
   */
  default KvCache newCache(int capacity, KvPool pool) {
    return newCache(capacity);
  }

  /**
   * Runs the chunk against the cache: every row sees the whole cache and the chunk rows its mask
   * allows; the K/V of {@code chunk.writeRows()} are appended to the cache afterwards.
   *
   * @throws IllegalArgumentException when a written row's position is not the cache's next free
   *     position, or the cache would overflow
   */
  Logits forward(KvCache cache, Chunk chunk);

  /**
   * One forward over the chunks of several sequences: each chunk runs against its own cache exactly
   * as {@link #forward(KvCache, Chunk)} would run it alone (rows of different sequences never see
   * each other), but a backend that batches reads every weight once for all rows. The default runs
   * the chunks one after the other.
   *
   * @return the logits of each chunk, in the order of {@code batch}
   * @throws IllegalArgumentException when a cache appears twice, or as {@link #forward} would
   */
  default List<Logits> forward(List<SequenceChunk> batch) {
    requireDistinctCaches(batch);
    List<Logits> out = new ArrayList<>(batch.size());
    for (SequenceChunk s : batch) {
      out.add(forward(s.cache(), s.chunk()));
    }
    return out;
  }

  /** Rejects a batch that names one cache twice: its rows would race for the same positions. */
  static void requireDistinctCaches(List<SequenceChunk> batch) {
    Map<KvCache, Boolean> seen = new IdentityHashMap<>();
    for (SequenceChunk s : batch) {
      if (seen.put(s.cache(), Boolean.TRUE) != null) {
        throw new IllegalArgumentException("a batch names the same KV cache twice: " + s.cache());
      }
    }
  }
}
