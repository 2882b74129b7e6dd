package dev.inference.nemotron.pod.engine;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Logits for the chunk rows a forward was asked for. Under CAUSAL attention row i predicts position
 * i + 1; under BIDIRECTIONAL attention row i predicts position i itself (MODEL.md §5).
 *
 * <p>Rows named in {@link Chunk#lateLogitRows()} are computed only when first asked for, several at
 * a time through {@link #prepare}: the LM head is the largest matrix of the network, so a decoder
 * that will use two of a thousand candidate rows pays for two.
 */
public final class Logits {
  /** Computes the logits of late rows from the hidden states the forward kept. */
  @FunctionalInterface
  public interface LateRows {
    /** The logit vectors of {@code rows} (a subset of the late rows), in that order. */
    float[][] compute(int[] rows);
  }

  private final int[] rows;
  private final float[][] values; // [rows.length][vocab]
  private final int[] lateRows;
  private final LateRows late;
  private final Map<Integer, float[]> computed = new HashMap<>();

  /** Takes ownership of {@code values}; {@code values[k]} belongs to chunk row {@code rows[k]}. */
  public Logits(int[] rows, float[][] values) {
    this(rows, values, new int[0], r -> new float[0][]);
  }

  /**
   * Eager rows as in {@link #Logits(int[], float[][])}, plus {@code lateRows} whose logits {@code
   * late} computes on demand.
   */
  public Logits(int[] rows, float[][] values, int[] lateRows, LateRows late) {
    if (rows.length != values.length) {
      throw new IllegalArgumentException(
          rows.length + " rows but " + values.length + " logit vectors");
    }
    this.rows = rows.clone();
    this.values = values;
    this.lateRows = lateRows.clone();
    this.late = late;
  }

  /** The chunk rows whose logits are present, increasing (late rows not included). */
  public int[] rows() {
    return rows.clone();
  }

  /**
   * Computes the logits of these late rows in one pass over the LM head, so that the following
   * {@link #row} calls are free. Rows already available are skipped.
   */
  public void prepare(int[] chunkRows) {
    int[] missing =
        Arrays.stream(chunkRows)
            .distinct()
            .filter(r -> Arrays.binarySearch(rows, r) < 0 && !computed.containsKey(r))
            .toArray();
    for (int r : missing) {
      requireLate(r);
    }
    if (missing.length == 0) {
      return;
    }
    float[][] out = late.compute(missing);
    for (int k = 0; k < missing.length; k++) {
      computed.put(missing[k], out[k]);
    }
  }

  /** The logits of one chunk row (not a copy: callers must not modify it). */
  public float[] row(int chunkRow) {
    int k = Arrays.binarySearch(rows, chunkRow);
    if (k >= 0) {
      return values[k];
    }
    float[] ready = computed.get(chunkRow);
    if (ready != null) {
      return ready;
    }
    prepare(new int[] {chunkRow});
    return computed.get(chunkRow);
  }

  private void requireLate(int chunkRow) {
    if (Arrays.binarySearch(lateRows, chunkRow) < 0) {
      throw new IllegalArgumentException(
          "no logits were computed for row "
              + chunkRow
              + "; computed "
              + Arrays.toString(rows)
              + (lateRows.length > 0 ? ", late " + Arrays.toString(lateRows) : ""));
    }
  }
}
