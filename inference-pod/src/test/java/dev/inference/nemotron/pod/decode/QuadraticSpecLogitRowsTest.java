package dev.inference.nemotron.pod.decode;

import static org.assertj.core.api.Assertions.assertThat;

import dev.inference.nemotron.pod.engine.Chunk;
import dev.inference.nemotron.pod.engine.KvCache;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * QuadraticSpec asks the LM head only for the rows it uses: each round the B chain rows (verify),
 * then the B-1 draft rows of the one sub-block the acceptance picks, not all B*(B-1) candidates.
 */
class QuadraticSpecLogitRowsTest {
  private static final int B = 6;
  private static final int[] PROMPT = {21, 22, 23, 24};

  @Test
  void eachRoundComputesTheChainAndOneSubBlock() {
    ScriptedModel model = new ScriptedModel(0.6, 4);
    QuadraticSpecDecoder decoder = new QuadraticSpecDecoder(B);
    KvCache cache = model.newCache(decoder.cacheCapacity(PROMPT.length, 40));
    DecodeResult r =
        decoder.decode(model, cache, DecodeRequest.of(PROMPT, SamplingParams.greedy(40)));
    assertThat(r.rounds()).isPositive();
    int rounds = 0;
    for (Chunk chunk : model.calls.subList(1, model.calls.size())) {
      rounds++;
      assertThat(chunk.logitRows()).hasSize(B);
      assertThat(chunk.lateLogitRows()).hasSize(B * (B - 1));
    }
    // Every round but the last (which ends generation) asked for one sub-block's B-1 rows.
    assertThat(model.lateRequests).hasSize(rounds - 1);
    for (int[] asked : model.lateRequests) {
      int first = asked[0];
      assertThat(asked).containsExactly(IntStream.range(first, first + B - 1).toArray());
      // The rows sit at offsets 2..B of one sub-block of B+1 rows.
      assertThat(first % (B + 1)).isEqualTo(2);
    }
  }
}
