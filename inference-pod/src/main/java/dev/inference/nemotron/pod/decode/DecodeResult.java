package dev.inference.nemotron.pod.decode;

import java.util.List;

/**
 * What one request produced and what it cost, with the counting convention of MODEL.md §6: {@code
 * forwards} counts every forward pass, the prompt prefill included.
 *
 * @param mode the decoding mode
 * @param ids the emitted tokens (a final stop token included)
 * @param forwards forward passes made, prefill included
 * @param stopReason why emission ended
 * @param cachedTokens how many of the emitted tokens have their causal K/V in the cache afterwards:
 *     the cache then holds exactly the prompt followed by {@code ids[0 .. cachedTokens-1]}. AR and
 *     self-speculation leave out only the last token ({@code tokens() - 1}); diffusion leaves out
 *     the whole last block, which is never committed
 * @param rounds self-speculation rounds (one draft-and-verify each); 0 in other modes
 * @param draftedTokens draft tokens put to verification ({@code B - 1} per round)
 * @param acceptedTokens draft tokens that matched the verifier (bonus tokens not included)
 * @param diffusionStepsPerBlock denoising forwards of each diffusion block, in order; empty in
 *     other modes
 */
public record DecodeResult(
    DecodingMode mode,
    int[] ids,
    int forwards,
    StopReason stopReason,
    int cachedTokens,
    int rounds,
    int draftedTokens,
    int acceptedTokens,
    List<Integer> diffusionStepsPerBlock) {

  public DecodeResult {
    ids = ids.clone();
    diffusionStepsPerBlock = List.copyOf(diffusionStepsPerBlock);
  }

  @Override
  public int[] ids() {
    return ids.clone();
  }

  /** Number of emitted tokens. */
  public int tokens() {
    return ids.length;
  }

  /** TPF: emitted tokens per forward pass. */
  public double tokensPerForward() {
    return forwards == 0 ? 0 : (double) ids.length / forwards;
  }

  /**
   * Mean acceptance length of self-speculation: tokens each verify round yields before any cut at
   * EOS or the budget, i.e. accepted draft tokens plus the bonus token, averaged over rounds (1 to
   * B). 0 without rounds.
   */
  public double meanAcceptanceLength() {
    return rounds == 0 ? 0 : (double) (acceptedTokens + rounds) / rounds;
  }

  /** Mean denoising forwards per diffusion block; 0 in other modes. */
  public double meanDiffusionSteps() {
    return diffusionStepsPerBlock.stream().mapToInt(Integer::intValue).average().orElse(0);
  }
}
