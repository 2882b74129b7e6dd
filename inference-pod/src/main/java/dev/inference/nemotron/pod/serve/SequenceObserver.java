package dev.inference.nemotron.pod.serve;

import dev.inference.nemotron.pod.decode.DecodeResult;

/**
 * Receives one sequence's progress from the scheduler thread: tokens as they are settled, the end
 * of each step (a moment to flush a stream), and exactly one of {@link #onFinish} or {@link
 * #onFailure}. Implementations must not block: hand the work to another thread.
 */
public interface SequenceObserver {

  /** A token was emitted (final: drafts never reach here). */
  void onToken(int tokenId);

  /** The forward that produced the last {@link #onToken}s is done; more may follow. */
  default void onStepEnd() {}

  /** Generation ended normally. */
  void onFinish(DecodeResult result);

  /** Generation ended without a result: cancelled, timed out, refused or broken. */
  void onFailure(Failure failure, String message);

  /** Why a sequence ended without a result. */
  enum Failure {
    /** The client went away (disconnect) or asked to stop. */
    CANCELLED,
    /** The request's deadline passed. */
    TIMEOUT,
    /** The request could not start (e.g. bigger than the whole KV pool). */
    REJECTED,
    /** The server is shutting down and the drain period ran out. */
    SHUTDOWN,
    /** A fault in the engine. */
    ERROR
  }
}
