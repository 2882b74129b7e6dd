package dev.inference.nemotron.pod.engine.cuda;

import dev.inference.nemotron.pod.engine.KvCache;
import dev.inference.nemotron.pod.engine.KvPool;
import java.util.ArrayList;
import java.util.List;
import jcuda.Pointer;
import jcuda.Sizeof;
import jcuda.driver.JCudaDriver;

/**
 * A sequence's KV cache on the device: a page table into the shared {@link KvPages}. Pages are
 * taken as the sequence grows and returned when it is cropped below them or released, and the
 * {@link KvPool} counts them, as the CPU caches do.
 */
final class CudaKvCache implements KvCache {
  private final KvPages pages;
  private final KvPool pool;
  private final int capacity;
  private final List<Integer> table = new ArrayList<>();
  private int length;
  private boolean released;

  CudaKvCache(KvPages pages, int capacity, KvPool pool) {
    if (capacity <= 0) {
      throw new IllegalArgumentException("a KV cache needs a positive capacity, got " + capacity);
    }
    this.pages = pages;
    this.capacity = capacity;
    this.pool = pool;
  }

  KvPages pages() {
    return pages;
  }

  @Override
  public int length() {
    return length;
  }

  @Override
  public int capacity() {
    return capacity;
  }

  /** Makes room for {@code positions} positions (taking pages), before a forward writes them. */
  void reserve(int positions) {
    requireLive();
    while ((long) table.size() * MemoryPlan.PAGE_SIZE < positions) {
      table.add(pages.take());
      pool.allocate(MemoryPlan.PAGE_SIZE);
    }
  }

  /** The page table as the kernels read it. */
  int[] pageTable() {
    return table.stream().mapToInt(Integer::intValue).toArray();
  }

  /** Records that a forward wrote positions up to {@code newLength}. */
  void extendTo(int newLength) {
    length = newLength;
  }

  @Override
  public void crop(int newLength) {
    requireLive();
    if (newLength < 0 || newLength > length) {
      throw new IllegalArgumentException(
          "cannot crop a KV cache of length " + length + " to " + newLength);
    }
    length = newLength;
    int keep = (int) LaunchGeometry.ceilDiv(newLength, MemoryPlan.PAGE_SIZE);
    while (table.size() > keep) {
      pages.give(table.removeLast());
      pool.allocate(-MemoryPlan.PAGE_SIZE);
    }
  }

  @Override
  public void release() {
    if (released) {
      return;
    }
    crop(0);
    released = true;
  }

  @Override
  public float[] keys(int layer, int position) {
    return row(layer, position, true);
  }

  @Override
  public float[] values(int layer, int position) {
    return row(layer, position, false);
  }

  private float[] row(int layer, int position, boolean keys) {
    requireLive();
    if (position < 0 || position >= length) {
      throw new IllegalArgumentException(
          "position " + position + " is outside the cache's " + length + " positions");
    }
    if (layer < 0 || layer >= pages.layers()) {
      throw new IllegalArgumentException("no layer " + layer);
    }
    int page = table.get(position / MemoryPlan.PAGE_SIZE);
    long offset = pages.rowOffset(page, position % MemoryPlan.PAGE_SIZE);
    float[] out = new float[pages.kvWidth()];
    pages.cuda().bind(); // callers (tests, decoders) may be on another thread than the forwards
    pages.cuda().synchronize();
    JCudaDriver.cuMemcpyDtoH(
        Pointer.to(out),
        (keys ? pages.keys(layer) : pages.values(layer)).withByteOffset(offset),
        (long) out.length * Sizeof.FLOAT);
    return out;
  }

  private void requireLive() {
    if (released) {
      throw new IllegalStateException("this KV cache was released");
    }
  }

  @Override
  public String toString() {
    return "CudaKvCache[length=" + length + ", pages=" + table.size() + "]";
  }
}
