package dev.inference.nemotron.pod.decode;

import dev.inference.nemotron.pod.engine.Chunk;
import dev.inference.nemotron.pod.engine.KvCache;
import dev.inference.nemotron.pod.engine.Logits;

/**
 * One request's decoding as a state machine that never calls the model itself: the caller asks for
 * the {@link #nextChunk} to run, runs it against {@link #cache} (alone, or batched with other
 * sequences' chunks), and hands the logits back with {@link #accept}, until {@link #done}. The CLI
 * drives a task alone ({@link Decoder#decode}); the server's scheduler packs the chunks of many.
 */
public interface DecodingTask {

  /** The decoding mode. */
  DecodingMode mode();

  /** The cache this task's chunks run against. */
  KvCache cache();

  /**
   * The chunk to run next, against {@link #cache}. Asking twice without {@link #accept} returns the
   * same chunk.
   *
   * @throws IllegalStateException when the task is done
   */
  Chunk nextChunk();

  /**
   * The logits of the chunk {@link #nextChunk} returned, after it ran. Emits the tokens it settles
   * (through the request's listener) and moves to the next step.
   *
   * @throws IllegalStateException without a chunk in flight
   */
  void accept(Logits logits);

  /** Whether generation ended (stop token, stop string or budget). */
  boolean done();

  /** Tokens emitted so far. */
  int emittedTokens();

  /** Forward passes counted so far (MODEL.md §6: the prefill counts once, however chunked). */
  int forwards();

  /** What the request produced and cost; complete once {@link #done}. */
  DecodeResult result();
}
