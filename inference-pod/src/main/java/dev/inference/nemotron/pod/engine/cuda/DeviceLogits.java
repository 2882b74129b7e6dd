package dev.inference.nemotron.pod.engine.cuda;

import dev.inference.nemotron.pod.engine.Logits;
import dev.inference.nemotron.pod.engine.TokenRule;
import java.util.Arrays;

/**
 * One sequence's logits of a {@link CudaForwardPass} forward, left where the forward computed them:
 * its eager rows are rows {@code firstRow ..} of the pass's logit buffer, its late rows are
 * computed on the device (from the final-normed hidden states the forward kept) when first picked
 * or read. Picks run on the device ({@link DeviceLogitsPicker}); {@link #read} copies rows back.
 *
 * <p>The pass's next forward reuses the logit buffer, so the eager rows are valid until then only:
 * afterwards they fail with a message saying so.
 */
final class DeviceLogits implements Logits.OnDevice {
  private final CudaForwardPass pass;
  private final long forward;
  private final int firstRow;
  private final int[] rows;
  private final int[] lateRows;
  private final float[] lateNormed; // [lateRows.length, hidden], on the host

  DeviceLogits(
      CudaForwardPass pass,
      long forward,
      int firstRow,
      int[] rows,
      int[] lateRows,
      float[] lateNormed) {
    this.pass = pass;
    this.forward = forward;
    this.firstRow = firstRow;
    this.rows = rows.clone();
    this.lateRows = lateRows.clone();
    this.lateNormed = lateNormed;
  }

  @Override
  public float[][] read(int[] chunkRows) {
    synchronized (pass) {
      float[][] out = new float[chunkRows.length][];
      Split split = split(chunkRows);
      for (int q = 0; q < split.eager.length; q++) {
        out[split.eagerAt[q]] = pass.readLogitRow(pass.eagerLogits(), split.eager[q]);
      }
      if (split.late.length > 0) {
        float[][] late = pass.lateLogits(normedOf(split.late));
        for (int q = 0; q < late.length; q++) {
          out[split.lateAt[q]] = late[q];
        }
      }
      return out;
    }
  }

  @Override
  public Logits.Picks pick(
      int[] chunkRows, TokenRule rule, double[] uniforms, boolean confidences) {
    synchronized (pass) {
      Split split = split(chunkRows);
      int[] ids = new int[chunkRows.length];
      double[] confidence = new double[chunkRows.length];
      DeviceLogitsPicker picker = pass.picker();
      if (split.eager.length > 0) {
        DeviceLogitsPicker.Picked p =
            picker.pick(pass.eagerLogits(), split.eager, rule, draws(uniforms, split.eagerAt));
        place(p, split.eagerAt, ids, confidence);
      }
      if (split.late.length > 0) {
        int m = split.late.length;
        int[] all = new int[m];
        Arrays.setAll(all, q -> q);
        DeviceLogitsPicker.Picked p =
            picker.pick(
                pass.lateLogitsOnDevice(normedOf(split.late)),
                all,
                rule,
                draws(uniforms, split.lateAt));
        place(p, split.lateAt, ids, confidence);
      }
      for (int k = 0; k < ids.length; k++) {
        if (ids[k] < 0) {
          throw brokenRow(chunkRows[k], rule, uniforms[k]);
        }
      }
      return new Logits.Picks(ids, confidences ? confidence : null);
    }
  }

  /**
   * The error for a row the kernel found a NaN or infinity in: the row is read back and given to
   * the host rule, whose error names the token and value.
   */
  private IllegalStateException brokenRow(int chunkRow, TokenRule rule, double uniform) {
    float[] row = read(new int[] {chunkRow})[0];
    try {
      rule.choose(row, uniform);
    } catch (IllegalStateException e) {
      return e;
    }
    return new IllegalStateException(
        "the device found a non-finite logit in row " + chunkRow + " that the host copy lacks");
  }

  /** Where the asked rows are: eager ones by their index in the pass's buffer, late ones. */
  private record Split(int[] eager, int[] eagerAt, int[] late, int[] lateAt) {}

  private Split split(int[] chunkRows) {
    int[] eager = new int[chunkRows.length];
    int[] eagerAt = new int[chunkRows.length];
    int[] late = new int[chunkRows.length];
    int[] lateAt = new int[chunkRows.length];
    int e = 0;
    int l = 0;
    for (int k = 0; k < chunkRows.length; k++) {
      int at = Arrays.binarySearch(rows, chunkRows[k]);
      if (at >= 0) {
        eager[e] = firstRow + at;
        eagerAt[e++] = k;
      } else {
        late[l] = chunkRows[k];
        lateAt[l++] = k;
      }
    }
    if (e > 0 && pass.forwardCount() != forward) {
      throw new IllegalStateException(
          "these logits were kept on the GPU by forward "
              + forward
              + " and the pass has run forward "
              + pass.forwardCount()
              + " since, which reused their memory: pick or read logits before the next forward");
    }
    return new Split(
        Arrays.copyOf(eager, e),
        Arrays.copyOf(eagerAt, e),
        Arrays.copyOf(late, l),
        Arrays.copyOf(lateAt, l));
  }

  /** The kept final-normed hidden states of these late rows, concatenated. */
  private float[] normedOf(int[] late) {
    int hidden = lateNormed.length / Math.max(1, lateRows.length);
    float[] selected = new float[late.length * hidden];
    for (int q = 0; q < late.length; q++) {
      int at = Arrays.binarySearch(lateRows, late[q]);
      System.arraycopy(lateNormed, at * hidden, selected, q * hidden, hidden);
    }
    return selected;
  }

  private static double[] draws(double[] uniforms, int[] at) {
    double[] out = new double[at.length];
    for (int q = 0; q < at.length; q++) {
      out[q] = uniforms[at[q]];
    }
    return out;
  }

  private static void place(DeviceLogitsPicker.Picked p, int[] at, int[] ids, double[] confidence) {
    for (int q = 0; q < at.length; q++) {
      ids[at[q]] = p.ids()[q];
      confidence[at[q]] = p.confidences()[q];
    }
  }
}
