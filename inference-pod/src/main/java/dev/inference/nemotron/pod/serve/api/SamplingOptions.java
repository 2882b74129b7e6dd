package dev.inference.nemotron.pod.serve.api;

import dev.inference.nemotron.pod.serve.config.RequestMode;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How a request picks tokens and when it stops, as the client asked; the defaults are OpenAI's.
 *
 * @param maxTokens most tokens to generate (per choice); null: until the context is full or the
 *     model stops
 * @param temperature in [0, 2]; 0 is greedy; default 1
 * @param topP in (0, 1]; default 1 (off)
 * @param topK the {@code top_k} extension: keep the k most likely tokens; 0 is off (the API's -1,
 *     vLLM's spelling of off, arrives here as 0)
 * @param seed the random seed; null: the server picks one
 * @param stop strings that end generation (not included in the text); at most a few, none empty
 * @param mode the {@code mode} extension: one of {@link RequestMode#apiNames()}; empty: the
 *     server's mode mix decides
 * @param ignoreEos the {@code ignore_eos} extension: keep generating past end-of-sequence tokens
 *     (benchmarks), until {@code maxTokens} or the context
 */
public record SamplingOptions(
    Integer maxTokens,
    double temperature,
    double topP,
    int topK,
    Long seed,
    List<String> stop,
    Optional<String> mode,
    boolean ignoreEos) {

  /** Default temperature, OpenAI's. */
  public static final double DEFAULT_TEMPERATURE = 1.0;

  /** Highest temperature, OpenAI's. */
  public static final double MAX_TEMPERATURE = 2.0;

  /** Checks ranges; maps {@code topK} -1 to 0. */
  public SamplingOptions {
    if (maxTokens != null && maxTokens < 1) {
      throw new IllegalArgumentException("max_tokens must be >= 1, got " + maxTokens);
    }
    if (!(temperature >= 0 && temperature <= MAX_TEMPERATURE)) {
      throw new IllegalArgumentException("temperature must be in [0, 2], got " + temperature);
    }
    if (!(topP > 0 && topP <= 1)) {
      throw new IllegalArgumentException("top_p must be in (0, 1], got " + topP);
    }
    if (topK < -1) {
      throw new IllegalArgumentException("top_k must be >= -1 (0 or -1: off), got " + topK);
    }
    topK = Math.max(topK, 0);
    stop = List.copyOf(stop);
    for (String s : stop) {
      if (s.isEmpty()) {
        throw new IllegalArgumentException("stop strings must not be empty");
      }
    }
    Objects.requireNonNull(mode, "mode");
    mode.ifPresent(
        m -> {
          if (RequestMode.fromApiName(m).isEmpty()) {
            throw new IllegalArgumentException(
                "mode must be one of " + String.join(", ", RequestMode.apiNames()) + ", got " + m);
          }
        });
  }

  /** OpenAI's defaults: temperature 1, no limits beyond the context, no stop strings. */
  public static SamplingOptions defaults() {
    return new SamplingOptions(
        null, DEFAULT_TEMPERATURE, 1.0, 0, null, List.of(), Optional.empty(), false);
  }

  /** The requested mode, typed; empty when the mode mix decides. */
  public Optional<RequestMode> requestMode() {
    return mode.flatMap(RequestMode::fromApiName);
  }

  /** Whether tokens are chosen by argmax (temperature 0). */
  public boolean greedy() {
    return temperature == 0;
  }
}
