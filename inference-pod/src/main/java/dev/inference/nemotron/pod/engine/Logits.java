package dev.inference.nemotron.pod.engine;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Logits for the chunk rows a forward was asked for. Under CAUSAL attention row i predicts position
 * i + 1; under BIDIRECTIONAL attention row i predicts position i itself (MODEL.md §5).
 *
 * <p>Decoders choose tokens with {@link #pick} and {@link #pickWithConfidence}, batched over the
 * rows of one step, and read a whole vector with {@link #row} only when they need it (the logits
 * CLI, quality tools). Logits kept on the host pick with {@link TokenRule#choose}; logits a device
 * keeps ({@link OnDevice}) are picked there, so that only the ids and confidences cross to the host
 * and a row's vocabulary-sized vector is copied only when {@link #row} asks for it.
 *
 * <p>Rows named in {@link Chunk#lateLogitRows()} are computed only when first asked for, several at
 * a time through {@link #prepare} or one {@link #pick}: the LM head is the largest matrix of the
 * network, so a decoder that will use two of a thousand candidate rows pays for two.
 *
 * <p>A backend that keeps the rows on its device may reuse that memory in its next forward: such
 * logits are read (picked, or copied with {@link #row}) before the forward pass runs again, as a
 * decoding step does; afterwards they fail with an {@link IllegalStateException}.
 */
public final class Logits {
  /** Computes the logits of late rows from the hidden states the forward kept. */
  @FunctionalInterface
  public interface LateRows {
    /** The logit vectors of {@code rows} (a subset of the late rows), in that order. */
    float[][] compute(int[] rows);
  }

  /**
   * Logit rows that stay in the memory of the device that computed them (eager and late rows
   * alike): picked there, copied to the host only on request. {@link Logits} checks every row name
   * and argument before calling it.
   */
  public interface OnDevice {
    /** Copies of the logit vectors of {@code chunkRows}, in that order. */
    float[][] read(int[] chunkRows);

    /**
     * One token per row of {@code chunkRows} by {@code rule}, with {@code uniforms[k]} the draw of
     * row k; the confidences ({@link Logits#confidence}) of the picked tokens when {@code
     * confidences} is set, else null.
     *
     * @throws IllegalStateException when a row holds a NaN or infinite logit
     */
    Picks pick(int[] chunkRows, TokenRule rule, double[] uniforms, boolean confidences);
  }

  /**
   * Tokens picked from rows, in the order the rows were named, and their confidences (null when not
   * asked for).
   */
  public record Picks(int[] ids, double[] confidences) {}

  private final int[] rows;
  private final float[][] values; // [rows.length][vocab]; empty on a device
  private final int[] lateRows;
  private final LateRows late;
  private final OnDevice device; // null: every row is (or is computed) on the host
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
    this.device = null;
  }

  /**
   * Logits a device keeps: {@code rows} computed by the forward, {@code lateRows} computed when
   * first picked or read; {@code device} picks and reads both.
   */
  public Logits(int[] rows, int[] lateRows, OnDevice device) {
    this.rows = rows.clone();
    this.values = new float[0][];
    this.lateRows = lateRows.clone();
    this.late = null;
    this.device = device;
  }

  /** The chunk rows whose logits are present, increasing (late rows not included). */
  public int[] rows() {
    return rows.clone();
  }

  /**
   * Computes the logits of these late rows in one pass over the LM head (on a device: copies these
   * rows to the host), so that the following {@link #row} calls are free. Rows already available
   * are skipped.
   */
  public void prepare(int[] chunkRows) {
    int[] missing = Arrays.stream(chunkRows).distinct().filter(r -> !onHost(r)).toArray();
    for (int r : missing) {
      requireKnown(r);
    }
    if (missing.length == 0) {
      return;
    }
    float[][] out = device != null ? device.read(missing) : late.compute(missing);
    for (int k = 0; k < missing.length; k++) {
      computed.put(missing[k], out[k]);
    }
  }

  /** The logits of one chunk row (not a copy: callers must not modify it). */
  public float[] row(int chunkRow) {
    if (device == null) {
      int k = Arrays.binarySearch(rows, chunkRow);
      if (k >= 0) {
        return values[k];
      }
    }
    float[] ready = computed.get(chunkRow);
    if (ready != null) {
      return ready;
    }
    prepare(new int[] {chunkRow});
    return computed.get(chunkRow);
  }

  /**
   * One token per row of {@code chunkRows} by {@code rule}, where the logits are: the tokens {@link
   * TokenRule#choose} gives on each row with its draw.
   *
   * @param uniforms {@code uniforms[k]} in [0, 1) is the draw for row {@code chunkRows[k]}
   * @throws IllegalArgumentException for a row without logits, or a missing or out-of-range draw
   * @throws IllegalStateException when a row holds a NaN or infinite logit
   */
  public int[] pick(int[] chunkRows, TokenRule rule, double[] uniforms) {
    return choose(chunkRows, rule, uniforms, false).ids();
  }

  /**
   * As {@link #pick}, with each picked token's {@link #confidence} in its row: what a diffusion
   * step needs to decide which masked slots to reveal (MODEL.md §6.2).
   */
  public Picks pickWithConfidence(int[] chunkRows, TokenRule rule, double[] uniforms) {
    return choose(chunkRows, rule, uniforms, true);
  }

  /**
   * {@code softmax(logits)[token]} over the whole raw row (not temperature-scaled): the diffusion
   * confidence of MODEL.md §6.2. The row must be finite.
   */
  public static double confidence(float[] logits, int token) {
    double max = Double.NEGATIVE_INFINITY;
    for (float v : logits) {
      max = Math.max(max, v);
    }
    double sum = 0;
    for (float v : logits) {
      sum += Math.exp(v - max);
    }
    return Math.exp(logits[token] - max) / sum;
  }

  private Picks choose(int[] chunkRows, TokenRule rule, double[] uniforms, boolean confidences) {
    if (uniforms.length != chunkRows.length) {
      throw new IllegalArgumentException(
          chunkRows.length + " rows to pick from but " + uniforms.length + " draws");
    }
    for (int k = 0; k < chunkRows.length; k++) {
      requireKnown(chunkRows[k]);
      if (!(uniforms[k] >= 0 && uniforms[k] < 1)) {
        throw new IllegalArgumentException(
            "the draw for row " + chunkRows[k] + " must be in [0, 1), got " + uniforms[k]);
      }
    }
    if (device != null) {
      return device.pick(chunkRows.clone(), rule, uniforms.clone(), confidences);
    }
    prepare(chunkRows); // late rows: one pass over the LM head for all of them
    int[] ids = new int[chunkRows.length];
    double[] confidence = confidences ? new double[chunkRows.length] : null;
    for (int k = 0; k < chunkRows.length; k++) {
      float[] row = row(chunkRows[k]);
      ids[k] = rule.choose(row, uniforms[k]);
      if (confidences) {
        confidence[k] = confidence(row, ids[k]);
      }
    }
    return new Picks(ids, confidence);
  }

  private boolean onHost(int chunkRow) {
    return computed.containsKey(chunkRow)
        || (device == null && Arrays.binarySearch(rows, chunkRow) >= 0);
  }

  private void requireKnown(int chunkRow) {
    if (Arrays.binarySearch(rows, chunkRow) < 0 && Arrays.binarySearch(lateRows, chunkRow) < 0) {
      throw new IllegalArgumentException(
          "no logits were computed for row "
              + chunkRow
              + "; computed "
              + Arrays.toString(rows)
              + (lateRows.length > 0 ? ", late " + Arrays.toString(lateRows) : ""));
    }
  }
}
