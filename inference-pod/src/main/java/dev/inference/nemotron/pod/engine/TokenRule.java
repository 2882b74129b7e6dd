package dev.inference.nemotron.pod.engine;

/**
 * How one request chooses a token from a logit row (MODEL.md §6 {@code pick}), in the terms a
 * backend can run where the logits are: argmax at temperature 0, otherwise a sample from {@code
 * softmax(logits / T)} after top-k, then top-p filtering, driven by one uniform draw per row that
 * the caller makes on the host (so that a run is reproducible whichever backend picks). The
 * excluded token (the mask) is never chosen.
 *
 * <p>{@link #choose} is the exact host rule: {@link Logits} kept on the host pick with it, and a
 * device that picks itself follows the same rule (the same order, ties by id, the same cuts and
 * inverse CDF): exactly at temperature 0, in fp32 otherwise, so a sampled token may differ only
 * where the draw, or a top-p cut, falls within rounding of a boundary of the cumulative
 * distribution.
 */
public interface TokenRule {

  /** 0 for argmax (ties to the lowest id); otherwise the softmax temperature. */
  double temperature();

  /** Keep only the k most likely tokens before sampling; 0 keeps all. */
  int topK();

  /** Keep the smallest set of most likely tokens whose probability reaches p; 1 keeps all. */
  double topP();

  /** The token never chosen (the mask token), or -1 for none. */
  int excludedToken();

  /**
   * The token this rule picks from {@code logits} with the uniform draw {@code uniform} in [0, 1)
   * (ignored at temperature 0).
   *
   * @throws IllegalStateException when the row holds a NaN or infinite logit
   */
  int choose(float[] logits, double uniform);
}
