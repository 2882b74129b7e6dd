package dev.inference.nemotron.pod.serve.api;

import java.util.List;
import java.util.Objects;

/**
 * A parsed {@code POST /v1/chat/completions} request.
 *
 * @param model the model the client named (the server checks that it serves it)
 * @param messages the conversation, at least one message
 * @param sampling how tokens are picked and when generation stops
 * @param n choices, >= 1, indexed 0 to n-1
 * @param stream whether to answer with server-sent events
 * @param includeUsage whether a streamed answer ends with a usage chunk ({@code
 *     stream_options.include_usage}); non-streamed answers always carry usage
 * @param thinking whether the chat template renders the model's thinking preamble ({@code
 *     chat_template_kwargs.enable_thinking}, vLLM's spelling); default false
 */
public record ChatRequest(
    String model,
    List<Message> messages,
    SamplingOptions sampling,
    int n,
    boolean stream,
    boolean includeUsage,
    boolean thinking) {

  /** Checks that the parts are present and {@code n} and the conversation are not empty. */
  public ChatRequest {
    Objects.requireNonNull(model, "model");
    messages = List.copyOf(messages);
    Objects.requireNonNull(sampling, "sampling");
    if (messages.isEmpty()) {
      throw new IllegalArgumentException("a chat request has at least one message");
    }
    if (n < 1) {
      throw new IllegalArgumentException("n must be >= 1, got " + n);
    }
  }
}
