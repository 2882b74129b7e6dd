package dev.inference.nemotron.pod.engine.cpu;

import dev.inference.nemotron.pod.engine.Chunk;
import dev.inference.nemotron.pod.engine.KvCache;
import dev.inference.nemotron.pod.engine.Logits;
import java.util.SplittableRandom;

/**
 * How far a quantized network's outputs are from the same network as stored (BF16): the figures
 * {@code ndd quantize --quality} prints and the tests bound.
 *
 * @param positions positions compared under teacher forcing (one causal forward)
 * @param logitRelativeError mean over positions of {@code ||q - ref|| / ||ref||} (L2 over the
 *     vocabulary)
 * @param maxLogitRelativeError the worst position's relative error
 * @param top1Agreement fraction of positions whose argmax agrees
 * @param greedyTokens tokens generated greedily (autoregressively) by each network
 * @param greedyAgreement fraction of those tokens equal at the same step
 * @param greedyCommonPrefix tokens generated before the first disagreement
 */
public record QuantizationQuality(
    int positions,
    double logitRelativeError,
    double maxLogitRelativeError,
    double top1Agreement,
    int greedyTokens,
    double greedyAgreement,
    int greedyCommonPrefix) {

  /**
   * Compares {@code quantized} with {@code reference} on {@code positions} seeded random tokens
   * (teacher forcing) and on {@code greedyTokens} greedy tokens after an 8-token prompt.
   */
  public static QuantizationQuality measure(
      CpuForwardPass reference,
      CpuForwardPass quantized,
      int positions,
      int greedyTokens,
      long seed) {
    int vocab = reference.vocabularySize();
    SplittableRandom random = new SplittableRandom(seed);
    int[] tokens = new int[positions];
    for (int i = 0; i < positions; i++) {
      tokens[i] = random.nextInt(vocab);
    }
    Chunk chunk = Chunk.causalWrite(tokens, 0, Chunk.allRows(positions));
    Logits ref = reference.forward(reference.newCache(positions), chunk);
    Logits got = quantized.forward(quantized.newCache(positions), chunk);
    double sumError = 0;
    double maxError = 0;
    int agree = 0;
    for (int r = 0; r < positions; r++) {
      float[] a = ref.row(r);
      float[] b = got.row(r);
      double diff = 0;
      double norm = 0;
      for (int v = 0; v < vocab; v++) {
        diff += (double) (a[v] - b[v]) * (a[v] - b[v]);
        norm += (double) a[v] * a[v];
      }
      double error = Math.sqrt(diff / Math.max(norm, Double.MIN_NORMAL));
      sumError += error;
      maxError = Math.max(maxError, error);
      if (argmax(a) == argmax(b)) {
        agree++;
      }
    }
    int[] prompt = new int[8];
    for (int i = 0; i < prompt.length; i++) {
      prompt[i] = random.nextInt(vocab);
    }
    int[] greedyRef = greedy(reference, prompt, greedyTokens);
    int[] greedyGot = greedy(quantized, prompt, greedyTokens);
    int same = 0;
    int prefix = -1;
    for (int i = 0; i < greedyTokens; i++) {
      if (greedyRef[i] == greedyGot[i]) {
        same++;
      } else if (prefix < 0) {
        prefix = i;
      }
    }
    return new QuantizationQuality(
        positions,
        sumError / positions,
        maxError,
        (double) agree / positions,
        greedyTokens,
        greedyTokens == 0 ? 1 : (double) same / greedyTokens,
        prefix < 0 ? greedyTokens : prefix);
  }

  /** {@code count} tokens by argmax after {@code prompt}, one forward per token. */
  static int[] greedy(CpuForwardPass model, int[] prompt, int count) {
    KvCache cache = model.newCache(prompt.length + count);
    Logits logits =
        model.forward(cache, Chunk.causalWrite(prompt, 0, Chunk.lastRow(prompt.length)));
    float[] last = logits.row(prompt.length - 1);
    int[] out = new int[count];
    for (int i = 0; i < count; i++) {
      out[i] = argmax(last);
      if (i + 1 < count) {
        last =
            model
                .forward(
                    cache, Chunk.causalWrite(new int[] {out[i]}, prompt.length + i, new int[] {0}))
                .row(0);
      }
    }
    return out;
  }

  private static int argmax(float[] values) {
    int best = 0;
    for (int i = 1; i < values.length; i++) {
      if (values[i] > values[best]) {
        best = i;
      }
    }
    return best;
  }
}
