package dev.inference.nemotron.pod.decode;

import dev.inference.nemotron.pod.engine.Chunk;
import dev.inference.nemotron.pod.engine.ForwardPass;
import dev.inference.nemotron.pod.engine.KvCache;
import dev.inference.nemotron.pod.engine.Logits;

/**
 * The real forward pass with good drafts: every forward, cache writes included, runs on the wrapped
 * engine; afterwards the logits of mask rows are replaced by a sharp prediction of a known sequence
 * (right with probability {@code accuracy}, a fixed coin per position). Random tiny checkpoints
 * draft almost nothing right, so without this the engine would never see a partially accepted
 * round; verify rows, commit rows and the cache stay the engine's own.
 */
final class OracleDrafts implements ForwardPass {
  private final ForwardPass engine;
  private final int[] sequence;
  private final double accuracy;

  /**
   * @param sequence the tokens drafts should find, by absolute position (prompt and continuation)
   */
  OracleDrafts(ForwardPass engine, int[] sequence, double accuracy) {
    this.engine = engine;
    this.sequence = sequence.clone();
    this.accuracy = accuracy;
  }

  @Override
  public int vocabularySize() {
    return engine.vocabularySize();
  }

  @Override
  public int maskTokenId() {
    return engine.maskTokenId();
  }

  @Override
  public boolean hasDraftAdapter() {
    return engine.hasDraftAdapter();
  }

  @Override
  public KvCache newCache(int capacity) {
    return engine.newCache(capacity);
  }

  @Override
  public Logits forward(KvCache cache, Chunk chunk) {
    Logits real = engine.forward(cache, chunk);
    int[] rows = real.rows();
    float[][] values = new float[rows.length][];
    for (int k = 0; k < rows.length; k++) {
      int position = chunk.positions()[rows[k]];
      boolean draft = chunk.tokens()[rows[k]] == maskTokenId() && position < sequence.length;
      values[k] = draft ? sharp(position) : real.row(rows[k]);
    }
    int[] late = chunk.lateLogitRows();
    return new Logits(
        rows,
        values,
        late,
        asked -> {
          real.prepare(asked);
          float[][] out = new float[asked.length][];
          for (int q = 0; q < asked.length; q++) {
            int position = chunk.positions()[asked[q]];
            boolean draft = chunk.tokens()[asked[q]] == maskTokenId() && position < sequence.length;
            out[q] = draft ? sharp(position) : real.row(asked[q]);
          }
          return out;
        });
  }

  private float[] sharp(int position) {
    boolean right = new java.util.SplittableRandom(position * 7919L + 13).nextDouble() < accuracy;
    int token = sequence[position];
    if (!right) {
      token = (token + 1) % vocabularySize();
      if (token == maskTokenId()) {
        token = (token + 1) % vocabularySize();
      }
    }
    float[] logits = new float[vocabularySize()];
    logits[token] = 30;
    return logits;
  }
}
