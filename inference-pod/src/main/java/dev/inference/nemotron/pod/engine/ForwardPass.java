package dev.inference.nemotron.pod.engine;

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
   * Runs the chunk against the cache: every row sees the whole cache and the chunk rows its mask
   * allows; the K/V of {@code chunk.writeRows()} are appended to the cache afterwards.
   *
   * @throws IllegalArgumentException when a written row's position is not the cache's next free
   *     position, or the cache would overflow
   */
  Logits forward(KvCache cache, Chunk chunk);
}
