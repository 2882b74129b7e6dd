package dev.inference.nemotron.pod.serve.api;

/**
 * Tokens a request used, summed over its prompts and choices.
 *
 * @param promptTokens tokens of the prompts (each prompt counted once, whatever n is)
 * @param completionTokens tokens generated, over every choice
 */
public record Usage(int promptTokens, int completionTokens) {

  /** Checks that the counts are not negative. */
  public Usage {
    if (promptTokens < 0 || completionTokens < 0) {
      throw new IllegalArgumentException(
          "token counts are >= 0, got " + promptTokens + " and " + completionTokens);
    }
  }

  /** Prompt plus completion tokens. */
  public int totalTokens() {
    return promptTokens + completionTokens;
  }

  /** The sum of two usages, e.g. of two prompts of one completion request. */
  public Usage plus(Usage other) {
    return new Usage(promptTokens + other.promptTokens, completionTokens + other.completionTokens);
  }
}
