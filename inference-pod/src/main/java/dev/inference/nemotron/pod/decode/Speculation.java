package dev.inference.nemotron.pod.decode;

import java.util.List;

/**
 * The verify-and-accept step shared by both self-speculation modes (MODEL.md §6.3), and their
 * tallies. A round's block is {@code draft[0..B-1]} at positions {@code L0 ..}, where {@code
 * draft[0]} is the last emitted token (not yet cached) and the rest are drafts; {@code verified[i]}
 * is the causal choice for position {@code L0 + i + 1} given {@code draft[0..i]}.
 */
final class Speculation {
  private int rounds;
  private int drafted;
  private int accepted;

  /** B for either mode: at least 2, since one round verifies B - 1 drafts. */
  static int checkedBlockSize(int blockSize) {
    if (blockSize < 2) {
      throw new IllegalArgumentException(
          "self-speculation block size must be >= 2, got " + blockSize);
    }
    return blockSize;
  }

  /**
   * Accepts the longest prefix of drafts that match the verifier, plus the verifier's bonus token;
   * emits those tokens (stopping early at a stop token, stop string or the budget); crops the cache
   * to the prefix whose K/V are now valid ({@code L0 +} emitted tokens: the round's first token and
   * the accepted drafts actually emitted). Returns the acceptance length {@code acc} (1..B): when
   * generation goes on, the next round starts from {@code verified[acc - 1]}.
   */
  int settle(Generation g, int start, int[] draft, int[] verified) {
    int acc = 1;
    while (acc < draft.length && draft[acc] == verified[acc - 1]) {
      acc++;
    }
    rounds++;
    drafted += draft.length - 1;
    accepted += acc - 1;
    int emitted = 0;
    while (emitted < acc) {
      emitted++;
      if (g.emission.emit(verified[emitted - 1])) {
        break;
      }
    }
    // draft[0..emitted-1] equal the emitted prefix, so their verify K/V are the causal ones.
    g.cache.crop(start + emitted);
    return acc;
  }

  DecodeResult result(DecodingMode mode, Generation g) {
    return new DecodeResult(
        mode,
        g.emission.ids(),
        g.forwards(),
        g.emission.stopReason(),
        g.emission.count() - 1,
        rounds,
        drafted,
        accepted,
        List.of());
  }
}
