package dev.inference.nemotron.pod.decode;

import dev.inference.nemotron.pod.engine.Chunk;
import dev.inference.nemotron.pod.engine.ForwardPass;
import dev.inference.nemotron.pod.engine.KvCache;
import dev.inference.nemotron.pod.engine.Logits;
import java.util.Arrays;
import java.util.List;

/**
 * The state every mode's {@link DecodingTask} shares: the cache, the token picker, what was
 * emitted, the prompt still to prefill, and the count of every forward pass (the single place
 * forwards are counted, so no mode can forget one).
 *
 * <p>A long prompt is written in chunks of at most {@link DecodeRequest#prefillChunk} rows first
 * (CAUSAL + WRITE, no logits): this class runs those by itself. The mode sees only the final
 * prefill chunk, over {@link #promptRest()}, and every step after it.
 */
abstract class Generation implements DecodingTask {
  final ForwardPass model;
  final KvCache cache;
  final TokenPicker picker;
  final Emission emission;
  final int[] prompt;
  final int mask;
  private final int prefillChunk;
  private int prefilled; // prompt rows written by early prefill chunks
  private boolean prefillDone;
  private int forwards;
  private Chunk pending;
  private boolean pendingIsEarly;

  Generation(Decoder decoder, ForwardPass model, KvCache cache, DecodeRequest request) {
    this.model = model;
    this.cache = cache;
    this.prompt = request.prompt();
    this.mask = model.maskTokenId();
    this.picker = new TokenPicker(request.sampling(), mask);
    this.emission = new Emission(request);
    this.prefillChunk = request.prefillChunk();
    for (int i = 0; i < prompt.length; i++) {
      if (prompt[i] < 0 || prompt[i] >= model.vocabularySize()) {
        throw new IllegalArgumentException(
            "prompt token "
                + i
                + " is "
                + prompt[i]
                + ", outside the vocabulary [0, "
                + model.vocabularySize()
                + ")");
      }
    }
    int needed = decoder.cacheCapacity(prompt.length, request.sampling().maxTokens());
    if (cache.capacity() - cache.length() < needed) {
      throw new IllegalArgumentException(
          decoder.mode().cliName()
              + " decoding of "
              + prompt.length
              + " prompt tokens and up to "
              + request.sampling().maxTokens()
              + " new tokens needs "
              + needed
              + " free cache positions; the cache has "
              + (cache.capacity() - cache.length()));
    }
  }

  /** The mode's next chunk; {@link #inPrefill()} tells whether it is the final prefill chunk. */
  abstract Chunk plan();

  /** The mode's reaction to the logits of the chunk {@link #plan} returned. */
  abstract void absorb(Chunk chunk, Logits logits);

  @Override
  public final KvCache cache() {
    return cache;
  }

  @Override
  public final Chunk nextChunk() {
    if (done()) {
      throw new IllegalStateException("the " + mode().cliName() + " request is done");
    }
    if (pending == null) {
      int rest = prompt.length - prefilled;
      pendingIsEarly = !prefillDone && rest > prefillChunk;
      pending =
          pendingIsEarly
              ? Chunk.causalWrite(
                  Arrays.copyOfRange(prompt, prefilled, prefilled + prefillChunk),
                  cache.length(),
                  new int[0])
              : plan();
    }
    return pending;
  }

  @Override
  public final void accept(Logits logits) {
    if (pending == null) {
      throw new IllegalStateException("accept() without a chunk from nextChunk()");
    }
    Chunk chunk = pending;
    pending = null;
    if (pendingIsEarly) {
      prefilled += chunk.length();
      return;
    }
    forwards++;
    boolean wasPrefill = !prefillDone;
    absorb(chunk, logits);
    if (wasPrefill) {
      prefillDone = true;
    }
  }

  @Override
  public boolean done() {
    return emission.done();
  }

  @Override
  public int emittedTokens() {
    return emission.count();
  }

  /** Whether the next {@link #plan} / {@link #absorb} is the final prefill chunk. */
  final boolean inPrefill() {
    return !prefillDone;
  }

  /** The prompt rows the final prefill chunk writes (all of them without chunked prefill). */
  final int[] promptRest() {
    return Arrays.copyOfRange(prompt, prefilled, prompt.length);
  }

  /** The final prefill chunk of AR, diffusion and LinearSpec: CAUSAL + WRITE, last row's logits. */
  final Chunk prefillChunk() {
    int[] rest = promptRest();
    return Chunk.causalWrite(rest, cache.length(), Chunk.lastRow(rest.length));
  }

  /**
   * The tokens of {@code chunkRows} for the absolute {@code positions} (one each), with the draw of
   * step 0: AR, prefill, draft, verify and commit picks. One call per step, so that logits a device
   * keeps are picked in one launch and only the ids come back.
   */
  final int[] pick(Logits logits, int[] chunkRows, int[] positions) {
    return logits.pick(chunkRows, picker, picker.draws(positions, 0));
  }

  /** The token of one chunk row for absolute position {@code position} (step 0). */
  final int pick(Logits logits, int chunkRow, int position) {
    return pick(logits, new int[] {chunkRow}, new int[] {position})[0];
  }

  /** Consecutive absolute positions {@code start .. start + n - 1}. */
  static int[] positions(int start, int n) {
    int[] positions = new int[n];
    for (int i = 0; i < n; i++) {
      positions[i] = start + i;
    }
    return positions;
  }

  @Override
  public final int forwards() {
    return forwards;
  }

  /** The result of a mode without rounds or diffusion blocks. */
  final DecodeResult plainResult(int cachedTokens) {
    return new DecodeResult(
        mode(), emission.ids(), forwards, emission.stopReason(), cachedTokens, 0, 0, 0, List.of());
  }
}
