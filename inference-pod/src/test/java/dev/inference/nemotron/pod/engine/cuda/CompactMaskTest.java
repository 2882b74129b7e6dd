package dev.inference.nemotron.pod.engine.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.inference.nemotron.pod.engine.AttentionMask;
import java.util.Arrays;
import java.util.BitSet;
import org.junit.jupiter.api.Test;

/** The compact mask the attention kernel reads says exactly what the mask it came from says. */
class CompactMaskTest {

  @Test
  void causalAndBidirectionalAreRangesWithoutBitsets() {
    CompactMask causal = CompactMask.of(AttentionMask.CAUSAL, 5);
    assertThat(causal.lo()).containsOnly(0);
    assertThat(causal.hi()).containsExactly(1, 2, 3, 4, 5);
    assertThat(causal.bits()).isEmpty();
    CompactMask both = CompactMask.of(AttentionMask.BIDIRECTIONAL, 5);
    assertThat(both.hi()).containsOnly(5);
    assertThat(both.bitsOffset()).containsOnly(-1);
    sameAs(AttentionMask.CAUSAL, causal);
    sameAs(AttentionMask.BIDIRECTIONAL, both);
  }

  @Test
  void quadraticSpecRowsKeepTheirHoles() {
    int b = 8; // sub-blocks [draft[j], M x b]: b * (b + 1) rows
    int rows = b * (b + 1);
    BitSet[] visible = new BitSet[rows];
    for (int j = 0; j < b; j++) {
      int start = j * (b + 1);
      for (int r = start; r < start + b + 1; r++) {
        visible[r] = new BitSet(rows);
        for (int c = 0; c <= j; c++) {
          visible[r].set(c * (b + 1)); // the chain up to draft[j]
        }
        if (r > start) {
          visible[r].set(start + 1, start + b + 1); // the masks see their own sub-block
        }
      }
    }
    AttentionMask mask = AttentionMask.perRow(visible);
    CompactMask compact = CompactMask.of(mask, rows);
    sameAs(mask, compact);
    // Chain row 0 sees just itself: a range; every later chain row and mask row has holes.
    assertThat(compact.bitsOffset()[0]).isEqualTo(-1);
    assertThat(compact.bitsOffset()[b + 1]).isNotNegative();
    long withBits = Arrays.stream(compact.bitsOffset()).filter(o -> o >= 0).count();
    assertThat(compact.bits()).hasSize((int) withBits * ((rows + 31) / 32));
  }

  @Test
  void aContiguousPerRowMaskNeedsNoBitset() {
    BitSet[] visible = new BitSet[4];
    for (int i = 0; i < 4; i++) {
      visible[i] = new BitSet();
      visible[i].set(Math.max(0, i - 1), i + 1); // a sliding window of 2
    }
    CompactMask compact = CompactMask.of(AttentionMask.perRow(visible), 4);
    assertThat(compact.bits()).isEmpty();
    assertThat(compact.lo()).containsExactly(0, 0, 1, 2);
    sameAs(AttentionMask.perRow(visible), compact);
  }

  @Test
  void aRowThatSeesNothingIsRefused() {
    AttentionMask none = (q, k) -> false;
    assertThatThrownBy(() -> CompactMask.of(none, 3)).hasMessageContaining("row 0");
  }

  private static void sameAs(AttentionMask mask, CompactMask compact) {
    int n = compact.rows();
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        assertThat(compact.visible(i, j)).as("row %d sees %d", i, j).isEqualTo(mask.visible(i, j));
      }
    }
  }
}
