package dev.inference.nemotron.pod.engine;

import java.util.BitSet;

/**
 * Which rows of the current chunk a query row may attend to. The whole KV cache is always visible:
 * it only ever holds the committed causal prefix (MODEL.md §5). CAUSAL and BIDIRECTIONAL are the
 * two patterns of the decoding modes; {@link #perRow} expresses anything else (QuadraticSpec's
 * sub-block masks).
 */
public interface AttentionMask {

  /** Row i sees the cache plus chunk rows 0..i. */
  AttentionMask CAUSAL =
      new AttentionMask() {
        @Override
        public boolean visible(int queryRow, int keyRow) {
          return keyRow <= queryRow;
        }

        @Override
        public String toString() {
          return "CAUSAL";
        }
      };

  /** Every row sees the cache plus the whole chunk. */
  AttentionMask BIDIRECTIONAL =
      new AttentionMask() {
        @Override
        public boolean visible(int queryRow, int keyRow) {
          return true;
        }

        @Override
        public String toString() {
          return "BIDIRECTIONAL";
        }
      };

  /** Whether chunk row {@code queryRow} attends to chunk row {@code keyRow}. */
  boolean visible(int queryRow, int keyRow);

  /**
   * An explicit mask: {@code visibleKeys[i]} holds the chunk rows that row i sees. Every row must
   * see at least itself, so that softmax never runs over an empty set.
   */
  static AttentionMask perRow(BitSet[] visibleKeys) {
    BitSet[] rows = new BitSet[visibleKeys.length];
    for (int i = 0; i < rows.length; i++) {
      if (!visibleKeys[i].get(i)) {
        throw new IllegalArgumentException("row " + i + " of an attention mask must see itself");
      }
      rows[i] = (BitSet) visibleKeys[i].clone();
    }
    return new AttentionMask() {
      @Override
      public boolean visible(int queryRow, int keyRow) {
        return rows[queryRow].get(keyRow);
      }

      @Override
      public String toString() {
        return "PER_ROW[" + rows.length + "]";
      }
    };
  }
}
