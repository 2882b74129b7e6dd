package dev.inference.nemotron.pod.engine;

/**
 * The KV memory budget that the caches of one model share, counted in positions (one position: K
 * and V of every layer for one token). A sequence's cache takes memory from the pool as it grows,
 * in blocks, rather than its full capacity up front; the scheduler admits a request only when its
 * worst case still fits ({@link #tryReserve}), so that no admitted sequence runs out mid-way.
 *
 * <p>Two counts: <em>reserved</em> positions (admitted worst cases, for admission) and
 * <em>allocated</em> positions (memory the caches hold now, for the {@code ndd_kv_cache_used_ratio}
 * gauge). Thread-safe.
 */
public final class KvPool {
  private final long capacity;
  private final KvDtype dtype;
  private long reserved;
  private long allocated;

  /** A pool of {@code capacity} F32 positions. */
  public KvPool(long capacity) {
    this(capacity, KvDtype.F32);
  }

  /** A pool of {@code capacity} positions whose caches store {@code dtype}. */
  public KvPool(long capacity, KvDtype dtype) {
    if (capacity <= 0) {
      throw new IllegalArgumentException("a KV pool needs a positive capacity, got " + capacity);
    }
    this.capacity = capacity;
    this.dtype = dtype;
  }

  /** A pool that never refuses (single requests of the CLI). */
  public static KvPool unbounded() {
    return new KvPool(Long.MAX_VALUE);
  }

  /** How the pool's caches store keys and values. */
  public KvDtype dtype() {
    return dtype;
  }

  /** Positions the pool holds. */
  public long capacity() {
    return capacity;
  }

  /** Reserves {@code positions} if they fit; returns whether they did. */
  public synchronized boolean tryReserve(long positions) {
    if (positions < 0) {
      throw new IllegalArgumentException("negative reservation " + positions);
    }
    if (positions > capacity - reserved) {
      return false;
    }
    reserved += positions;
    return true;
  }

  /** Returns a reservation. */
  public synchronized void unreserve(long positions) {
    reserved = Math.max(0, reserved - positions);
  }

  /** Records memory a cache allocated (positive) or gave back (negative). */
  public synchronized void allocate(long positions) {
    allocated = Math.max(0, allocated + positions);
  }

  /** Positions reserved by admitted sequences. */
  public synchronized long reserved() {
    return reserved;
  }

  /** Positions the caches hold memory for now. */
  public synchronized long allocated() {
    return allocated;
  }

  /** Allocated positions over capacity, in [0, 1]. */
  public synchronized double usedRatio() {
    return capacity == Long.MAX_VALUE ? 0 : Math.min(1.0, (double) allocated / capacity);
  }
}
