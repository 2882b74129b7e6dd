package dev.inference.nemotron.pod.serve.api;

import java.util.List;
import java.util.Objects;

/**
 * A parsed {@code POST /v1/completions} request. Each prompt gets {@code n} choices; choice {@code
 * k} of prompt {@code p} has index {@code p * n + k} (OpenAI's numbering), see {@link
 * #choiceIndex(int, int)}.
 *
 * @param model the model the client named (the server checks that it serves it)
 * @param prompts one or more prompts, none empty
 * @param sampling how tokens are picked and when generation stops
 * @param n choices per prompt, >= 1
 * @param stream whether to answer with server-sent events
 * @param includeUsage whether a streamed answer ends with a usage chunk ({@code
 *     stream_options.include_usage}); non-streamed answers always carry usage
 */
public record CompletionRequest(
    String model,
    List<Prompt> prompts,
    SamplingOptions sampling,
    int n,
    boolean stream,
    boolean includeUsage) {

  /** Checks that the parts are present and {@code n} and the prompts are not empty. */
  public CompletionRequest {
    Objects.requireNonNull(model, "model");
    prompts = List.copyOf(prompts);
    Objects.requireNonNull(sampling, "sampling");
    if (prompts.isEmpty()) {
      throw new IllegalArgumentException("a completion request has at least one prompt");
    }
    if (n < 1) {
      throw new IllegalArgumentException("n must be >= 1, got " + n);
    }
  }

  /** The index of choice {@code k} of prompt {@code promptIndex} in the response. */
  public int choiceIndex(int promptIndex, int k) {
    return promptIndex * n + k;
  }

  /** The number of choices the response holds: prompts times n. */
  public int choiceCount() {
    return prompts.size() * n;
  }
}
