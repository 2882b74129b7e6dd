package dev.inference.nemotron.pod.engine.cpu;

import dev.inference.nemotron.pod.engine.KvCache;

/**
 * A sequence's K/V on the heap: per layer, keys (after RoPE) and values as {@code [capacity,
 * kvHeads * headDim]} float arrays allocated up front, so that appending never reallocates.
 */
public final class CpuKvCache implements KvCache {
  private final int width;
  private final int capacity;
  private final float[][] keys; // [layers][capacity * width]
  private final float[][] values; // [layers][capacity * width]
  private int length;

  /** An empty cache for {@code layers} layers of {@code width = kvHeads * headDim}. */
  public CpuKvCache(int layers, int width, int capacity) {
    if (capacity <= 0) {
      throw new IllegalArgumentException("KV cache capacity must be positive, got " + capacity);
    }
    if ((long) capacity * width > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(
          "KV cache capacity "
              + capacity
              + " x width "
              + width
              + " exceeds one array per layer; use a smaller capacity");
    }
    this.width = width;
    this.capacity = capacity;
    this.keys = new float[layers][capacity * width];
    this.values = new float[layers][capacity * width];
  }

  @Override
  public int length() {
    return length;
  }

  @Override
  public int capacity() {
    return capacity;
  }

  /** Number of layers held. */
  public int layers() {
    return keys.length;
  }

  /** Floats per position and layer ({@code kvHeads * headDim}). */
  public int width() {
    return width;
  }

  @Override
  public void crop(int newLength) {
    if (newLength < 0 || newLength > length) {
      throw new IllegalArgumentException(
          "cannot crop a KV cache of length "
              + length
              + " to "
              + newLength
              + ": must be in [0, "
              + length
              + "]");
    }
    length = newLength;
  }

  @Override
  public float[] keys(int layer, int position) {
    return copy(keys, layer, position);
  }

  @Override
  public float[] values(int layer, int position) {
    return copy(values, layer, position);
  }

  private float[] copy(float[][] store, int layer, int position) {
    if (layer < 0 || layer >= store.length) {
      throw new IllegalArgumentException("layer " + layer + " outside [0, " + store.length + ")");
    }
    if (position < 0 || position >= length) {
      throw new IllegalArgumentException(
          "position " + position + " outside the cache's [0, " + length + ")");
    }
    float[] out = new float[width];
    System.arraycopy(store[layer], position * width, out, 0, width);
    return out;
  }

  /**
   * Layer {@code layer}'s key store, {@code [capacity, width]}; positions {@code < length} valid.
   */
  float[] layerKeys(int layer) {
    return keys[layer];
  }

  /** Layer {@code layer}'s value store, {@code [capacity, width]}. */
  float[] layerValues(int layer) {
    return values[layer];
  }

  /**
   * Writes one position's K/V beyond the current length; it becomes visible only with {@link
   * #extendTo}, so a forward can stage its writes layer by layer.
   */
  void stage(int layer, int position, float[] k, int kOffset, float[] v, int vOffset) {
    System.arraycopy(k, kOffset, keys[layer], position * width, width);
    System.arraycopy(v, vOffset, values[layer], position * width, width);
  }

  /** Makes staged positions up to {@code newLength} part of the cache. */
  void extendTo(int newLength) {
    if (newLength < length || newLength > capacity) {
      throw new IllegalStateException("cannot extend length " + length + " to " + newLength);
    }
    length = newLength;
  }
}
