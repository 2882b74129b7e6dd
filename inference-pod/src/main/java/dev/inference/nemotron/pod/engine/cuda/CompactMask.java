package dev.inference.nemotron.pod.engine.cuda;

import dev.inference.nemotron.pod.engine.AttentionMask;

/**
 * An {@link AttentionMask} in the form the attention kernel reads: for each chunk row a visible
 * range {@code [lo, hi)} of chunk rows and, only when the row's visible set has holes, an offset
 * into a bitset ({@code ceil(rows / 32)} words per such row) that restricts the range. CAUSAL and
 * BIDIRECTIONAL need no bitset; QuadraticSpec's rows (the chain up to their draft plus their own
 * sub-block) do.
 *
 * @param lo first visible chunk row of each row
 * @param hi one past the last visible chunk row of each row
 * @param bitsOffset word offset of each row's bitset in {@code bits}, -1 for a plain range
 * @param bits the bitsets of the rows that need one, bit j of word j / 32 for chunk row j
 */
public record CompactMask(int[] lo, int[] hi, int[] bitsOffset, int[] bits) {

  /** Compacts {@code mask} for a chunk of {@code rows} rows (asking it rows^2 times at most). */
  public static CompactMask of(AttentionMask mask, int rows) {
    int[] lo = new int[rows];
    int[] hi = new int[rows];
    int[] offset = new int[rows];
    if (mask == AttentionMask.CAUSAL || mask == AttentionMask.BIDIRECTIONAL) {
      for (int i = 0; i < rows; i++) {
        hi[i] = mask == AttentionMask.CAUSAL ? i + 1 : rows;
        offset[i] = -1;
      }
      return new CompactMask(lo, hi, offset, new int[0]);
    }
    int words = (rows + 31) / 32;
    int[][] rowBits = new int[rows][];
    int withBits = 0;
    for (int i = 0; i < rows; i++) {
      int first = -1;
      int last = -1;
      int count = 0;
      int[] b = new int[words];
      for (int j = 0; j < rows; j++) {
        if (mask.visible(i, j)) {
          if (first < 0) {
            first = j;
          }
          last = j;
          count++;
          b[j >>> 5] |= 1 << (j & 31);
        }
      }
      if (first < 0) {
        throw new IllegalArgumentException(
            "row " + i + " of the attention mask sees no chunk row; it must see at least itself");
      }
      lo[i] = first;
      hi[i] = last + 1;
      if (count != last + 1 - first) {
        rowBits[i] = b;
        offset[i] = withBits * words;
        withBits++;
      } else {
        offset[i] = -1;
      }
    }
    int[] bits = new int[withBits * words];
    for (int i = 0; i < rows; i++) {
      if (rowBits[i] != null) {
        System.arraycopy(rowBits[i], 0, bits, offset[i], words);
      }
    }
    return new CompactMask(lo, hi, offset, bits);
  }

  /** Number of rows. */
  public int rows() {
    return lo.length;
  }

  /** Whether row i sees chunk row j: what the kernel computes from this form. */
  public boolean visible(int i, int j) {
    if (j < lo[i] || j >= hi[i]) {
      return false;
    }
    return bitsOffset[i] < 0 || ((bits[bitsOffset[i] + (j >>> 5)] >>> (j & 31)) & 1) != 0;
  }
}
