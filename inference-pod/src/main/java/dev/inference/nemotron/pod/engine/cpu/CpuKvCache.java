package dev.inference.nemotron.pod.engine.cpu;

import dev.inference.nemotron.pod.engine.KvCache;
import dev.inference.nemotron.pod.engine.KvDtype;
import dev.inference.nemotron.pod.engine.KvPool;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A sequence's K/V on the heap: per layer, keys (after RoPE) and values as {@code [allocated,
 * kvHeads * headDim]} arrays of float (F32) or of BF16 bits (short, half the memory; rounded to
 * nearest even when written), as the pool's {@link KvDtype} says. Memory grows in blocks as
 * positions are written (never the whole capacity up front: most requests stop long before their
 * budget), each growth recorded in the {@link KvPool} the cache belongs to.
 */
public final class CpuKvCache implements KvCache {
  /** Positions per growth step; growth is also at least half of what is held (amortized copies). */
  static final int BLOCK = 64;

  private final int width;
  private final int capacity;
  private final KvPool pool;
  private final boolean bf16;
  private final float[][] keys; // [layers][allocated * width], F32
  private final float[][] values; // [layers][allocated * width], F32
  private final short[][] keys16; // [layers][allocated * width], BF16
  private final short[][] values16; // [layers][allocated * width], BF16
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
    this.bf16 = pool.dtype() == KvDtype.BF16;
    this.keys = new float[bf16 ? 0 : layers][0];
    this.values = new float[bf16 ? 0 : layers][0];
    this.keys16 = new short[bf16 ? layers : 0][0];
    this.values16 = new short[bf16 ? layers : 0][0];
  }

  /** How keys and values are stored. */
  public KvDtype dtype() {
    return bf16 ? KvDtype.BF16 : KvDtype.F32;
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
    return bf16 ? keys16.length : keys.length;
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
      Arrays.fill(keys16, new short[0]);
      Arrays.fill(values16, new short[0]);
    }
  }

  @Override
  public float[] keys(int layer, int position) {
    return bf16 ? copy(keys16, layer, position) : copy(keys, layer, position);
  }

  @Override
  public float[] values(int layer, int position) {
    return bf16 ? copy(values16, layer, position) : copy(values, layer, position);
  }

  private float[] copy(float[][] store, int layer, int position) {
    check(layer, position);
    float[] out = new float[width];
    System.arraycopy(store[layer], position * width, out, 0, width);
    return out;
  }

  private float[] copy(short[][] store, int layer, int position) {
    check(layer, position);
    float[] out = new float[width];
    for (int i = 0; i < width; i++) {
      out[i] = Bf16.toFloat(store[layer][position * width + i]);
    }
    return out;
  }

  private void check(int layer, int position) {
    if (layer < 0 || layer >= layers()) {
      throw new IllegalArgumentException("layer " + layer + " outside [0, " + layers() + ")");
    }
    if (position < 0 || position >= length) {
      throw new IllegalArgumentException(
          "position " + position + " outside the cache's [0, " + length + ")");
    }
  }

  /** Layer {@code layer}'s BF16 key store (BF16 caches only), {@code [allocated, width]}. */
  short[] layerKeys16(int layer) {
    return keys16[layer];
  }

  /** Layer {@code layer}'s BF16 value store (BF16 caches only). */
  short[] layerValues16(int layer) {
    return values16[layer];
  }

  /** Layer {@code layer}'s F32 key store (F32 caches only), {@code [allocated, width]}. */
  float[] layerKeys(int layer) {
    return bf16 ? null : keys[layer];
  }

  /** Layer {@code layer}'s F32 value store (F32 caches only), {@code [allocated, width]}. */
  float[] layerValues(int layer) {
    return bf16 ? null : values[layer];
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
    for (int l = 0; l < keys16.length; l++) {
      keys16[l] = Arrays.copyOf(keys16[l], grown * width);
      values16[l] = Arrays.copyOf(values16[l], grown * width);
    }
    pool.allocate(grown - allocated);
    allocated = grown;
  }

  /**
   * Writes one position's K/V beyond the current length; it becomes visible only with {@link
   * #extendTo}, so a forward can stage its writes layer by layer.
   */
  void stage(int layer, int position, float[] k, int kOffset, float[] v, int vOffset) {
    if (bf16) {
      short[] ks = keys16[layer];
      short[] vs = values16[layer];
      for (int i = 0; i < width; i++) {
        ks[position * width + i] = Bf16.fromFloat(k[kOffset + i]);
        vs[position * width + i] = Bf16.fromFloat(v[vOffset + i]);
      }
      return;
    }
    System.arraycopy(k, kOffset, keys[layer], position * width, width);
    System.arraycopy(v, vOffset, values[layer], position * width, width);
  }

  /**
   * Appends {@code positions} of random keys and values (uniform in [-1, 1)) as if a prompt had
   * been prefilled: for benchmarks of long contexts, whose real prefill would take minutes on a CPU
   * while the cost of attending to the cache does not depend on what it holds.
   */
  public void appendRandom(int positions, long seed) {
    if (positions < 0) {
      throw new IllegalArgumentException("positions must be >= 0, got " + positions);
    }
    reserve(length + positions);
    SplittableRandom random = new SplittableRandom(seed);
    float[] k = new float[width];
    float[] v = new float[width];
    for (int p = length; p < length + positions; p++) {
      for (int l = 0; l < layers(); l++) {
        for (int i = 0; i < width; i++) {
          k[i] = (float) (random.nextDouble() * 2 - 1);
          v[i] = (float) (random.nextDouble() * 2 - 1);
        }
        stage(l, p, k, 0, v, 0);
      }
    }
    extendTo(length + positions);
  }

  /** Makes staged positions up to {@code newLength} part of the cache. */
  void extendTo(int newLength) {
    if (newLength < length || newLength > allocated) {
      throw new IllegalStateException("cannot extend length " + length + " to " + newLength);
    }
    length = newLength;
  }
}
