package dev.inference.nemotron.pod.engine;

import java.util.Objects;

/**
 * One sequence's part of a batched forward: its chunk of rows and the cache they run against.
 *
 * @param cache the sequence's KV cache (at most once per batch)
 * @param chunk the rows to run, with their positions, mask and switches
 */
public record SequenceChunk(KvCache cache, Chunk chunk) {

  public SequenceChunk {
    Objects.requireNonNull(cache, "cache");
    Objects.requireNonNull(chunk, "chunk");
  }
}
