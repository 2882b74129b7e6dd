package dev.inference.nemotron.pod.engine.cuda;

import java.util.ArrayDeque;
import java.util.Deque;
import jcuda.driver.CUdeviceptr;

/**
 * The device KV pool: for every layer, K and V pages of {@link MemoryPlan#PAGE_SIZE} positions
 * times {@code kvWidth} fp32 ({@code [layers][pages][PAGE_SIZE][kvWidth]} in one allocation each
 * for K and V). Sequences take pages as they grow and give them back when cropped or released;
 * every layer uses the same page ids, so one page table per sequence serves all layers.
 */
final class KvPages {
  private final CudaRuntime cuda;
  private final int layers;
  private final int kvWidth;
  private final int pages;
  private final CUdeviceptr keys;
  private final CUdeviceptr values;
  private final Deque<Integer> free = new ArrayDeque<>();

  KvPages(CudaRuntime cuda, int layers, int kvWidth, long positions) {
    this.cuda = cuda;
    this.layers = layers;
    this.kvWidth = kvWidth;
    this.pages = Math.toIntExact(LaunchGeometry.ceilDiv(positions, MemoryPlan.PAGE_SIZE));
    long bytes = (long) layers * pages * MemoryPlan.PAGE_SIZE * kvWidth * Float.BYTES;
    this.keys = cuda.allocate(bytes);
    this.values = cuda.allocate(bytes);
    for (int p = 0; p < pages; p++) {
      free.add(p);
    }
  }

  /** Takes a free page. */
  synchronized int take() {
    Integer p = free.poll();
    if (p == null) {
      throw new IllegalStateException(
          "the GPU KV pool is exhausted ("
              + pages
              + " pages of "
              + MemoryPlan.PAGE_SIZE
              + " positions in use); admit fewer sequences or plan a larger pool");
    }
    return p;
  }

  synchronized void give(int page) {
    free.push(page);
  }

  synchronized int freePages() {
    return free.size();
  }

  int pageCount() {
    return pages;
  }

  /** Layer {@code layer}'s K pages. */
  CUdeviceptr keys(int layer) {
    return keys.withByteOffset(layerBytes() * layer);
  }

  /** Layer {@code layer}'s V pages. */
  CUdeviceptr values(int layer) {
    return values.withByteOffset(layerBytes() * layer);
  }

  /** Byte offset of a position's row inside one layer's pages. */
  long rowOffset(int page, int slot) {
    return ((long) page * MemoryPlan.PAGE_SIZE + slot) * kvWidth * Float.BYTES;
  }

  int kvWidth() {
    return kvWidth;
  }

  int layers() {
    return layers;
  }

  CudaRuntime cuda() {
    return cuda;
  }

  private long layerBytes() {
    return (long) pages * MemoryPlan.PAGE_SIZE * kvWidth * Float.BYTES;
  }
}
