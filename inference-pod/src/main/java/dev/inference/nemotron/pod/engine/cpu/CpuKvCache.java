package dev.inference.nemotron.pod.engine.cpu;

import dev.inference.nemotron.pod.engine.KvCache;
import dev.inference.nemotron.pod.engine.KvPool;
import java.util.Arrays;

/**
 * A sequence's K/V on the heap: per layer, keys (after RoPE) and values as {@code [allocated,
 * kvHeads * headDim]} float arrays. Memory grows in blocks as positions are written (never the
 * whole capacity up front: most requests stop long before their budget), each growth recorded in
 * the {@link KvPool} the cache belongs to.
 */
public final class CpuKvCache implements KvCache {
  /** Positions per growth step; growth is also at least half of what is held (amortized copies). */
  static final int BLOCK = 64;

  private final int width;
  private final int capacity;
  private final KvPool pool;
  private final float[][] keys; // [layers][allocated * width]
  private final float[][] values; // [layers][allocated * width]
  private int allocated;
  private int length;
  private boolean released;

  /** An empty cache for {@code layers} layers of {@code width = kvHeads * headDim}, no pool. */
  public CpuKvCache(int layers, int width, int capacity) {
    this(layers, width, capacity, KvPool.unbounded());
  }

  /** An empty cache whose memory is counted in {@code pool}. */
  public CpuKvCache(int layers, int width, int capacity, KvPool pool) {
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
    this.pool = pool;
    this.keys = new float[layers][0];
    this.values = new float[layers][0];
  }

  @Override
  public int length() {
    return length;
  }

  @Override
  public int capacity() {
    return capacity;
  }

  /** Positions memory is held for now (grows in blocks up to the capacity). */
  public int allocated() {
    return allocated;
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
  public synchronized void release() {
    if (!released) {
      released = true;
      pool.allocate(-allocated);
      allocated = 0;
      length = 0;
      Arrays.fill(keys, new float[0]);
      Arrays.fill(values, new float[0]);
    }
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

  /** Layer {@code layer}'s key store, {@code [allocated, width]}; positions {@code < length}. */
  float[] layerKeys(int layer) {
    return keys[layer];
  }

  /** Layer {@code layer}'s value store, {@code [allocated, width]}. */
  float[] layerValues(int layer) {
    return values[layer];
  }

  /**
   * Makes room for positions up to {@code newLength} before a forward stages its writes, growing
   * every layer's arrays in blocks.
   */
  void reserve(int newLength) {
    if (released) {
      throw new IllegalStateException("this KV cache was released");
    }
    if (newLength > capacity) {
      throw new IllegalStateException("cannot grow beyond capacity " + capacity);
    }
    if (newLength <= allocated) {
      return;
    }
    int grown = Math.min(capacity, Math.max(newLength, allocated + Math.max(BLOCK, allocated / 2)));
    grown = Math.min(capacity, Math.ceilDiv(grown, BLOCK) * BLOCK);
    for (int l = 0; l < keys.length; l++) {
      keys[l] = Arrays.copyOf(keys[l], grown * width);
      values[l] = Arrays.copyOf(values[l], grown * width);
    }
    pool.allocate(grown - allocated);
    allocated = grown;
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
    if (newLength < length || newLength > allocated) {
      throw new IllegalStateException("cannot extend length " + length + " to " + newLength);
    }
    length = newLength;
  }
}
