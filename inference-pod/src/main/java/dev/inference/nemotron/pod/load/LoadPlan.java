package dev.inference.nemotron.pod.load;

import java.net.URI;
import java.util.List;

/**
 * What {@code ndd load} sends: the server, the request every client repeats, and the concurrency
 * levels in the order they run (the first is the baseline of the speed-up).
 *
 * @param baseUrl the server, {@code http://host:port}, without {@code /v1}
 * @param model the {@code model} field
 * @param concurrency clients per level, each at least 1
 * @param requestsPerLevel requests per level; 0 for the default, twice the clients and at least 4
 * @param maxTokens the {@code max_tokens} field, generated in full ({@code ignore_eos})
 * @param prompt the prompt, or the user message with {@code chat}
 * @param mode the {@code mode} field; null to let the server choose
 * @param apiKey sent as {@code Authorization: Bearer}; null on an open server
 * @param chat {@code /v1/chat/completions} instead of {@code /v1/completions}
 * @param warmup requests sent one by one before the first level, not measured
 * @param retries how often one request is retried after a 429
 */
public record LoadPlan(
    URI baseUrl,
    String model,
    List<Integer> concurrency,
    int requestsPerLevel,
    int maxTokens,
    String prompt,
    String mode,
    String apiKey,
    boolean chat,
    int warmup,
    int retries) {

  public LoadPlan {
    concurrency = List.copyOf(concurrency);
    if (concurrency.isEmpty() || concurrency.stream().anyMatch(c -> c < 1)) {
      throw new IllegalArgumentException("concurrency levels must be >= 1, got " + concurrency);
    }
    if (requestsPerLevel < 0 || maxTokens < 1 || warmup < 0 || retries < 0) {
      throw new IllegalArgumentException(
          "requests per level >= 0, max tokens >= 1, warm-up and retries >= 0");
    }
    if (model == null || model.isBlank() || prompt == null || prompt.isEmpty()) {
      throw new IllegalArgumentException("a load plan needs a model and a prompt");
    }
  }

  /** Requests sent at {@code clients} concurrent clients. */
  public int requestsAt(int clients) {
    return requestsPerLevel > 0 ? requestsPerLevel : Math.max(4, 2 * clients);
  }

  /** The API path the requests go to. */
  public String path() {
    return chat ? "/v1/chat/completions" : "/v1/completions";
  }

  /** {@code baseUrl} with {@code path} appended. */
  public URI resolve(String path) {
    return URI.create(baseUrl.toString() + path);
  }
}
