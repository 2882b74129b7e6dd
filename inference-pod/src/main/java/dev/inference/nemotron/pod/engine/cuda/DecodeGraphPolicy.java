package dev.inference.nemotron.pod.engine.cuda;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * When a forward runs through a CUDA graph (host-side bookkeeping of {@link DecodeGraphs}, pure so
 * it is unit-tested without a GPU).
 *
 * <p>A forward is graphable when every matrix product in it runs through our GEMV kernels (at most
 * {@link LaunchGeometry#GEMV_MAX_ROWS} rows: decode steps, not prefills), which keeps cuBLAS and
 * its workspace out of the capture. Its <em>shape</em> is what fixes the graph's topology: the
 * rows, the sequences with their rows and written positions, the adapter rows. Everything else that
 * changes from step to step (the cache length each sequence has, its page table and mask, the token
 * ids and positions, the argument buffer's address) changes only kernel parameters or device memory
 * the kernels read, which {@code cuGraphExecUpdate} patches into an executable graph of the same
 * shape without re-instantiating it.
 *
 * <p>A shape is captured once it has <em>settled</em>: the same shape {@code settleAfter} forwards
 * in a row (a prefill, a few odd steps, then the steady decode loop). Up to {@code capacity}
 * executable graphs are kept, least recently used evicted (decoders alternate a few shapes, e.g.
 * self-speculation's draft and verify steps). One failure of the graph API turns graphs off for the
 * pass, with the reason, and the forwards run as plain launches.
 */
final class DecodeGraphPolicy {
  /** What to do with one forward. */
  enum Action {
    /** Plain launches on the stream (not graphable, not settled yet, or graphs off). */
    EAGER,
    /** Capture the forward and instantiate a new executable graph for its shape. */
    CAPTURE_NEW,
    /** Capture the forward and update the shape's executable graph with it, then launch it. */
    CAPTURE_UPDATE
  }

  private final int settleAfter;
  private final int capacity;
  private final Map<List<Integer>, Boolean> instantiated = new LinkedHashMap<>(16, 0.75f, true);
  private List<Integer> lastShape;
  private int repeats;
  private String disabledBecause;

  /**
   * @param enabled whether graphs are used at all ({@code ndd.cuda.graph})
   * @param settleAfter forwards of the same shape in a row before it is captured (at least 1)
   * @param capacity executable graphs kept (at least 1)
   */
  DecodeGraphPolicy(boolean enabled, int settleAfter, int capacity) {
    if (settleAfter < 1 || capacity < 1) {
      throw new IllegalArgumentException(
          "settleAfter and capacity must be at least 1, got " + settleAfter + ", " + capacity);
    }
    this.settleAfter = settleAfter;
    this.capacity = capacity;
    this.disabledBecause = enabled ? null : "ndd.cuda.graph=off";
  }

  /**
   * The shape of a forward, or empty when it is not graphable.
   *
   * @param rows rows of the whole forward
   * @param gemvOnly whether every matrix takes the GEMV route at {@code rows} rows
   * @param adapterRows draft-adapter rows (they add the LoRA launches)
   * @param sequenceRowsAndWrites for each sequence its chunk rows, then its written positions
   */
  static Optional<List<Integer>> shape(
      int rows, boolean gemvOnly, int adapterRows, int... sequenceRowsAndWrites) {
    if (rows > LaunchGeometry.GEMV_MAX_ROWS || !gemvOnly) {
      return Optional.empty();
    }
    Integer[] key = new Integer[2 + sequenceRowsAndWrites.length];
    key[0] = rows;
    key[1] = adapterRows;
    for (int i = 0; i < sequenceRowsAndWrites.length; i++) {
      key[2 + i] = sequenceRowsAndWrites[i];
    }
    return Optional.of(List.of(key));
  }

  /** The action for the next forward, of {@code shape} (empty: not graphable). */
  Action next(Optional<List<Integer>> shape) {
    if (shape.isEmpty()) {
      lastShape = null;
      repeats = 0;
      return Action.EAGER;
    }
    if (shape.get().equals(lastShape)) {
      repeats++;
    } else {
      lastShape = shape.get();
      repeats = 1;
    }
    if (disabledBecause != null || repeats < settleAfter) {
      return Action.EAGER;
    }
    return instantiated.get(shape.get()) != null ? Action.CAPTURE_UPDATE : Action.CAPTURE_NEW;
  }

  /**
   * Records that {@code shape} now has an executable graph; returns the least recently used shape
   * whose graph must be destroyed to stay within the capacity, if any.
   */
  Optional<List<Integer>> instantiated(List<Integer> shape) {
    instantiated.put(shape, Boolean.TRUE);
    if (instantiated.size() <= capacity) {
      return Optional.empty();
    }
    List<Integer> eldest = instantiated.keySet().iterator().next();
    instantiated.remove(eldest);
    return Optional.of(eldest);
  }

  /** Turns graphs off for good (a graph API call failed), remembering why. */
  void disable(String reason) {
    disabledBecause = reason;
  }

  /** Why graphs are off, if they are. */
  Optional<String> disabledBecause() {
    return Optional.ofNullable(disabledBecause);
  }

  /** Shapes with an executable graph, least recently used first. */
  List<List<Integer>> shapes() {
    return List.copyOf(instantiated.keySet());
  }
}
