package dev.inference.nemotron.pod.engine;

/**
 * A sequence's key/value cache. Entry p always holds the causal K/V of the token at absolute
 * position p, so its length is also the next free position.
 */
public interface KvCache {

  /** Number of positions held. */
  int length();

  /** Most positions this cache can hold. */
  int capacity();

  /**
   * Returns the cache's memory to its pool; the cache must not be used afterwards. A no-op for
   * caches outside a pool.
   */
  default void release() {}

  /** Drops every position at or after {@code length} (rejected drafts cost nothing). */
  void crop(int length);

  /**
   * A copy of layer {@code layer}'s keys at {@code position}: {@code [kvHeads * headDim]}, after
   * RoPE.
   */
  float[] keys(int layer, int position);

  /** A copy of layer {@code layer}'s values at {@code position}: {@code [kvHeads * headDim]}. */
  float[] values(int layer, int position);
}
