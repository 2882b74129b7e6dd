package dev.inference.nemotron.pod.engine.cpu;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Measures how fast this machine streams a large array from memory with the engine's workers: the
 * ceiling for a one-row forward, which must read every weight once.
 */
public final class MemoryBandwidth {
  private MemoryBandwidth() {}

  /**
   * Best of {@code repeats} vectorised sums over {@code bytes} of off-heap memory (far larger than
   * the caches), split across {@code pool}'s workers; in GB/s (1e9 bytes per second).
   */
  public static double measureGbPerSecond(WorkerPool pool, long bytes, int repeats) {
    try (Arena arena = Arena.ofShared()) {
      MemorySegment data = arena.allocate(bytes, 64);
      data.fill((byte) 1);
      long floats = bytes / 4;
      int blocks = pool.threads() * 16;
      double best = 0;
      float[] sink = new float[blocks];
      for (int r = 0; r < repeats; r++) {
        long start = System.nanoTime();
        pool.forRanges(
            blocks,
            (from, to) -> {
              for (int b = from; b < to; b++) {
                sink[b] = sum(data, floats * b / blocks, floats * (b + 1) / blocks);
              }
            });
        double seconds = (System.nanoTime() - start) / 1e9;
        best = Math.max(best, bytes / seconds / 1e9);
      }
      if (Float.isNaN(sink[0])) {
        throw new IllegalStateException("bandwidth probe read garbage");
      }
      return best;
    }
  }

  /**
   * Four accumulators: one would bind the loop to the add latency (a vector per ~3 cycles), and the
   * probe would then measure the core rather than the memory.
   */
  private static float sum(MemorySegment data, long from, long to) {
    var species = FloatVector.SPECIES_PREFERRED;
    int lanes = species.length();
    FloatVector a0 = FloatVector.zero(species);
    FloatVector a1 = FloatVector.zero(species);
    FloatVector a2 = FloatVector.zero(species);
    FloatVector a3 = FloatVector.zero(species);
    long i = from;
    long bound = from + (to - from) / (4L * lanes) * (4L * lanes);
    for (; i < bound; i += 4L * lanes) {
      long at = i * 4;
      a0 = a0.add(FloatVector.fromMemorySegment(species, data, at, ByteOrder.LITTLE_ENDIAN));
      a1 =
          a1.add(
              FloatVector.fromMemorySegment(
                  species, data, at + 4L * lanes, ByteOrder.LITTLE_ENDIAN));
      a2 =
          a2.add(
              FloatVector.fromMemorySegment(
                  species, data, at + 8L * lanes, ByteOrder.LITTLE_ENDIAN));
      a3 =
          a3.add(
              FloatVector.fromMemorySegment(
                  species, data, at + 12L * lanes, ByteOrder.LITTLE_ENDIAN));
    }
    float s = a0.add(a1).add(a2.add(a3)).reduceLanes(VectorOperators.ADD);
    for (; i < to; i++) {
      s += data.get(ValueLayout.JAVA_FLOAT_UNALIGNED, i * 4);
    }
    return s;
  }
}
