package dev.inference.nemotron.pod.load;

/**
 * One request of a load level, measured from the start of its last attempt (a 429's wait before a
 * retry is not in its latencies, only in the level's wall time).
 *
 * @param outcome how it ended
 * @param refusals 429 answers it received, retried or not
 * @param ttftNanos send to the first chunk with text; -1 when none came
 * @param itlNanos {@link CompletionStream#interTokenNanos()}; NaN when not measurable
 * @param latencyNanos send to {@code [DONE]} (or to the failure)
 * @param completionTokens {@code usage.completion_tokens}; 0 unless {@link Outcome#OK}
 * @param error what went wrong, for a person; null when OK
 */
public record RequestResult(
    Outcome outcome,
    int refusals,
    long ttftNanos,
    double itlNanos,
    long latencyNanos,
    int completionTokens,
    String error) {

  /** How a request ended. */
  public enum Outcome {
    /** HTTP 200, text, the usage chunk and {@code [DONE]}. */
    OK,
    /** Still 429 after the last retry. */
    REFUSED,
    /** Any other status, an error event, a cut stream or a connection failure. */
    FAILED
  }

  static RequestResult ok(CompletionStream s, long startNanos, int refusals) {
    return new RequestResult(
        Outcome.OK,
        refusals,
        s.firstContentNanos() - startNanos,
        s.interTokenNanos(),
        s.doneNanos() - startNanos,
        s.completionTokens(),
        null);
  }

  static RequestResult refused(int refusals, long latencyNanos, String error) {
    return new RequestResult(Outcome.REFUSED, refusals, -1, Double.NaN, latencyNanos, 0, error);
  }

  static RequestResult failed(int refusals, long latencyNanos, String error) {
    return new RequestResult(Outcome.FAILED, refusals, -1, Double.NaN, latencyNanos, 0, error);
  }
}
