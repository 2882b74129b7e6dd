package dev.inference.nemotron.pod.decode;

import static org.assertj.core.api.Assertions.assertThat;

import dev.inference.nemotron.pod.engine.Chunk;
import dev.inference.nemotron.pod.engine.ForwardPass;
import dev.inference.nemotron.pod.engine.KvCache;
import dev.inference.nemotron.pod.engine.Logits;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * At temperature > 0 a diffusion candidate at denoising step s is drawn with step s's own noise. A
 * model whose every logit row is flat makes each pick a pure function of its draw, and every
 * confidence 1/V (below any threshold), so exactly one slot (the lowest masked one) is revealed per
 * step: slot k of a block is revealed at step k, from {@code draw(position, k)}.
 */
class DiffusionNoisePerStepTest {
  private static final int VOCAB = 64;
  private static final int MASK = 63;

  /** Flat logits everywhere; writes append to a scripted cache. */
  private static final class FlatModel implements ForwardPass {
    @Override
    public int vocabularySize() {
      return VOCAB;
    }

    @Override
    public int maskTokenId() {
      return MASK;
    }

    @Override
    public boolean hasDraftAdapter() {
      return false;
    }

    @Override
    public KvCache newCache(int capacity) {
      return new ScriptedModel.Cache(capacity);
    }

    @Override
    public Logits forward(KvCache cache, Chunk chunk) {
      for (int row : chunk.writeRows()) {
        ((ScriptedModel.Cache) cache).append(chunk.tokens()[row]);
      }
      float[][] rows = new float[chunk.logitRows().length][VOCAB];
      return new Logits(chunk.logitRows(), rows);
    }
  }

  @Test
  void slotKOfABlockIsDrawnWithTheNoiseOfStepK() {
    FlatModel model = new FlatModel();
    int[] prompt = {1, 2, 3};
    int b = 8;
    SamplingParams params = SamplingParams.sampled(1.0, 1234, 2 * b);
    DiffusionDecoder decoder = new DiffusionDecoder(b, 0.9);
    DecodeResult r =
        decoder.decode(
            model,
            model.newCache(decoder.cacheCapacity(prompt.length, 2 * b)),
            DecodeRequest.of(prompt, params));
    TokenPicker picker = new TokenPicker(params, MASK);
    float[] flat = new float[VOCAB];
    int[] expected = new int[2 * b];
    for (int block = 0; block < 2; block++) {
      int start = prompt.length + block * b;
      expected[block * b] = picker.pick(flat, start); // the seed: an ordinary (step 0) draw
      for (int k = 1; k < b; k++) {
        expected[block * b + k] = picker.pick(flat, start + k, k);
      }
    }
    assertThat(r.ids()).containsExactly(expected);
    assertThat(r.diffusionStepsPerBlock()).containsExactly(b - 1, b - 1);
    // Drawing every step with the position's step-0 noise would have given other tokens.
    int[] stale = new int[2 * b];
    for (int block = 0; block < 2; block++) {
      int start = prompt.length + block * b;
      for (int k = 0; k < b; k++) {
        stale[block * b + k] = picker.pick(flat, start + k);
      }
    }
    assertThat(Arrays.equals(stale, r.ids())).isFalse();
  }
}
