package dev.inference.nemotron.pod.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The chunk's row sets: validated alike, and the adapter switch of the common factories. */
class ChunkTest {
  private static final int[] TOKENS = {4, 9, 9, 9};

  @Test
  void adapterRowsMustBeStrictlyIncreasingRowsOfTheChunk() {
    for (int[] bad : new int[][] {{2, 1}, {1, 1}, {-1}, {4}}) {
      assertThatThrownBy(
              () ->
                  new Chunk(
                      TOKENS,
                      new int[] {5, 6, 7, 8},
                      AttentionMask.BIDIRECTIONAL,
                      new int[0],
                      Chunk.allRows(4),
                      bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("adapterRows must be strictly increasing rows in [0, 4)");
    }
  }

  @Test
  void factoriesSwitchTheAdapterForEveryRowOrNone() {
    assertThat(Chunk.bidirectionalReadOnly(TOKENS, 5, true).adapterRows())
        .containsExactly(0, 1, 2, 3);
    assertThat(Chunk.bidirectionalReadOnly(TOKENS, 5, false).adapterRows()).isEmpty();
    assertThat(Chunk.causalWrite(TOKENS, 5, Chunk.lastRow(4)).adapterRows()).isEmpty();
  }

  @Test
  void adapterRowsAreCopiedNotShared() {
    int[] rows = {1, 3};
    Chunk chunk =
        new Chunk(
            TOKENS,
            new int[] {5, 6, 7, 8},
            AttentionMask.BIDIRECTIONAL,
            new int[0],
            Chunk.allRows(4),
            rows);
    rows[0] = 2;
    assertThat(chunk.adapterRows()).containsExactly(1, 3);
  }
}
