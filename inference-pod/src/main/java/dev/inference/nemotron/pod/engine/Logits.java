package dev.inference.nemotron.pod.engine;

import java.util.Arrays;

/**
 * Logits for the chunk rows a forward was asked for. Under CAUSAL attention row i predicts position
 * i + 1; under BIDIRECTIONAL attention row i predicts position i itself (MODEL.md §5).
 */
public final class Logits {
  private final int[] rows;
  private final float[][] values; // [rows.length][vocab]

  /** Takes ownership of {@code values}; {@code values[k]} belongs to chunk row {@code rows[k]}. */
  public Logits(int[] rows, float[][] values) {
    if (rows.length != values.length) {
      throw new IllegalArgumentException(
          rows.length + " rows but " + values.length + " logit vectors");
    }
    this.rows = rows.clone();
    this.values = values;
  }

  /** The chunk rows whose logits are present, increasing. */
  public int[] rows() {
    return rows.clone();
  }

  /** The logits of one chunk row (not a copy: callers must not modify it). */
  public float[] row(int chunkRow) {
    int k = Arrays.binarySearch(rows, chunkRow);
    if (k < 0) {
      throw new IllegalArgumentException(
          "no logits were computed for row " + chunkRow + "; computed " + Arrays.toString(rows));
    }
    return values[k];
  }
}
