package dev.inference.nemotron.pod.decode;

import static org.assertj.core.api.Assertions.assertThat;

import dev.inference.nemotron.pod.engine.ForwardPass;
import dev.inference.nemotron.pod.engine.KvCache;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * After any mode the cache holds exactly the causal K/V that AR decoding gives for the prompt and
 * the first {@link DecodeResult#cachedTokens()} emitted tokens: compared, layer by layer and
 * position by position, with a fresh CAUSAL prefill of those tokens on the real CPU forward pass.
 * AR and self-speculation cache every emitted token but the last; diffusion leaves out its last
 * block, which it never commits.
 */
class CacheAfterDecodingTest {
  private static final double TOLERANCE = 1e-4;

  @TempDir static Path root;
  private static TinyModels.Model model;

  @BeforeAll
  static void writeCheckpoint() throws IOException {
    model = TinyModels.open(root, 201, 8);
  }

  @AfterAll
  static void close() {
    model.close();
  }

  @Test
  void cacheHoldsTheCausalKeysAndValuesOfAutoregressiveDecoding() {
    SplittableRandom random = new SplittableRandom(3);
    for (int p = 0; p < 3; p++) {
      int[] prompt =
          TinyModels.prompt(
              random, 2 + 3 * p, model.pass().vocabularySize(), model.pass().maskTokenId());
      for (SamplingParams params :
          List.of(SamplingParams.greedy(17), SamplingParams.sampled(0.9, p, 17))) {
        int[] ar = decode(new AutoregressiveDecoder(), model.pass(), prompt, params).ids();
        for (Decoder decoder :
            List.of(
                new AutoregressiveDecoder(),
                new DiffusionDecoder(4, 0.9),
                new LinearSpecDecoder(4),
                new QuadraticSpecDecoder(4))) {
          for (boolean oracle : new boolean[] {false, true}) {
            ForwardPass pass =
                oracle
                    ? new OracleDrafts(model.pass(), TinyModels.concat(prompt, ar), 0.7)
                    : model.pass();
            String label =
                decoder.mode()
                    + " T="
                    + params.temperature()
                    + " prompt "
                    + Arrays.toString(prompt)
                    + (oracle ? " oracle drafts" : "");
            checkCache(decoder, pass, prompt, params, label);
          }
        }
      }
    }
  }

  private static void checkCache(
      Decoder decoder, ForwardPass pass, int[] prompt, SamplingParams params, String label) {
    KvCache cache = pass.newCache(decoder.cacheCapacity(prompt.length, params.maxTokens()));
    DecodeResult r = decoder.decode(pass, cache, DecodeRequest.of(prompt, params));
    // 17 tokens: diffusion emits blocks of 4, 4, 4, 4 (committed) and 1 (never committed).
    int expectedCached = decoder.mode() == DecodingMode.DIFFUSION ? 16 : r.tokens() - 1;
    assertThat(r.tokens()).as(label).isEqualTo(17);
    assertThat(r.cachedTokens()).as(label).isEqualTo(expectedCached);
    assertThat(cache.length()).as(label).isEqualTo(prompt.length + expectedCached);
    KvCache fresh =
        model.prefilled(TinyModels.concat(prompt, Arrays.copyOf(r.ids(), expectedCached)));
    int layers = model.checkpoint().config().numHiddenLayers();
    for (int layer = 0; layer < layers; layer++) {
      for (int pos = 0; pos < cache.length(); pos++) {
        String where = " layer " + layer + " position " + pos;
        assertClose(cache.keys(layer, pos), fresh.keys(layer, pos), label + " keys" + where);
        assertClose(cache.values(layer, pos), fresh.values(layer, pos), label + " values" + where);
      }
    }
  }

  private static DecodeResult decode(
      Decoder decoder, ForwardPass pass, int[] prompt, SamplingParams params) {
    KvCache cache = pass.newCache(decoder.cacheCapacity(prompt.length, params.maxTokens()));
    return decoder.decode(pass, cache, DecodeRequest.of(prompt, params));
  }

  private static void assertClose(float[] actual, float[] expected, String label) {
    assertThat(actual).as(label).hasSameSizeAs(expected);
    for (int i = 0; i < actual.length; i++) {
      assertThat((double) Math.abs(actual[i] - expected[i]))
          .as(label + " [" + i + "]")
          .isLessThanOrEqualTo(TOLERANCE);
    }
  }
}
