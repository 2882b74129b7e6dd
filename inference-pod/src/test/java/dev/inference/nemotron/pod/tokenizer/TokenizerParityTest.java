package dev.inference.nemotron.pod.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Exact parity with the Hugging Face {@code tokenizers} library on the two fixture tokenizers: same
 * ids for every string of a varied corpus, same decoded text, and lossless round trips.
 */
class TokenizerParityTest {
  private static final int STRINGS = 5000;

  @Test
  void qwen3EncodesAndDecodesExactlyLikeHuggingFace() throws Exception {
    assertParity("qwen3", 1);
  }

  @Test
  void gpt4oEncodesAndDecodesExactlyLikeHuggingFace() throws Exception {
    assertParity("gpt4o", 2);
  }

  @Test
  void longRunsOfOneCharacterMatchHuggingFace() throws Exception {
    List<String> runs =
        List.of(
            "a".repeat(50_000),
            "A".repeat(50_000),
            " ".repeat(50_000) + "x",
            "\t \n".repeat(20_000),
            "7".repeat(50_000),
            "😀".repeat(20_000),
            "é".repeat(30_000),
            "<|im_end|>".repeat(5_000),
            ("the quick brown fox " + "\u0301".repeat(3)).repeat(3_000));
    for (String fixture : List.of("qwen3", "gpt4o")) {
      Tokenizer ours = SharedFixtures.loaded(fixture);
      try (HuggingFaceOracle oracle = new HuggingFaceOracle(SharedFixtures.tokenizer(fixture))) {
        for (String run : runs) {
          int[] actual = ours.encode(run);
          assertThat(actual)
              .as(fixture + " " + escape(run.substring(0, 12)))
              .isEqualTo(oracle.encode(run));
        }
      }
    }
  }

  private static void assertParity(String fixture, long seed) throws Exception {
    Path dir = SharedFixtures.tokenizer(fixture);
    Tokenizer ours = SharedFixtures.loaded(fixture);
    List<String> corpus = ParityCorpus.generate(seed, STRINGS);
    List<String> mismatches = new ArrayList<>();
    int roundTrips = 0;
    long tokens = 0;
    try (HuggingFaceOracle oracle = new HuggingFaceOracle(dir)) {
      for (String text : corpus) {
        int[] expected = oracle.encode(text);
        int[] actual = ours.encode(text);
        tokens += expected.length;
        if (!Arrays.equals(expected, actual)) {
          mismatches.add(describe("encode", text, expected, actual));
          continue;
        }
        String decoded = ours.decode(actual);
        if (!decoded.equals(oracle.decode(actual, false))) {
          mismatches.add("decode differs for " + escape(text));
        }
        if (!ours.decode(actual, true).equals(oracle.decode(actual, true))) {
          mismatches.add("decode(skipSpecialTokens) differs for " + escape(text));
        }
        if (Normalizer.isNormalized(text, Normalizer.Form.NFC) || fixture.equals("gpt4o")) {
          roundTrips++;
          if (!decoded.equals(text)) {
            mismatches.add("round trip lost text: " + escape(text) + " -> " + escape(decoded));
          }
        }
      }
      SplittableRandom random = new SplittableRandom(seed);
      for (int i = 0; i < 500; i++) {
        int[] ids = random.ints(1 + random.nextInt(12), 0, ours.vocabularySize()).toArray();
        if (!ours.decode(ids).equals(oracle.decode(ids, false))) {
          mismatches.add("decode of random ids differs: " + Arrays.toString(ids));
        }
      }
    }
    System.out.printf(
        "tokenizer parity %s: %d strings (%d tokens), %d round trips, 500 random id sequences,"
            + " %d mismatches%n",
        fixture, corpus.size(), tokens, roundTrips, mismatches.size());
    assertThat(mismatches).as("mismatches with Hugging Face on " + fixture).isEmpty();
  }

  private static String describe(String what, String text, int[] expected, int[] actual) {
    return what
        + " differs for "
        + escape(text)
        + "\n  expected "
        + Arrays.toString(expected)
        + "\n  actual   "
        + Arrays.toString(actual);
  }

  static String escape(String s) {
    StringBuilder out = new StringBuilder("\"");
    s.codePoints()
        .forEach(
            cp -> {
              if (cp >= 0x20 && cp < 0x7F) {
                out.appendCodePoint(cp);
              } else {
                out.append(String.format("\\u{%X}", cp));
              }
            });
    return out.append('"').toString();
  }
}
