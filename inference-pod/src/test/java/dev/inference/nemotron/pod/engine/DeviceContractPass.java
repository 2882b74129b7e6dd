package dev.inference.nemotron.pod.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A forward pass whose logits follow the contract of logits a GPU keeps ({@link Logits.OnDevice}):
 * picked in place, valid only until the pass's next forward, and copied to the host only when a row
 * is read, which it counts. Behind it runs a real forward pass (the CPU one), so the tokens must be
 * exactly the tokens of that pass used directly; a decoder or scheduler that read a row where it
 * only picks, or held logits across a forward, shows here without a GPU.
 */
public final class DeviceContractPass implements ForwardPass {
  private final ForwardPass inner;
  private long forwards;

  /** Logit rows copied back to the host so far. */
  public final AtomicInteger rowsRead = new AtomicInteger();

  /** Pick calls (kernel launches on a GPU) so far. */
  public final AtomicInteger picks = new AtomicInteger();

  public DeviceContractPass(ForwardPass inner) {
    this.inner = inner;
  }

  @Override
  public int vocabularySize() {
    return inner.vocabularySize();
  }

  @Override
  public int maskTokenId() {
    return inner.maskTokenId();
  }

  @Override
  public boolean hasDraftAdapter() {
    return inner.hasDraftAdapter();
  }

  @Override
  public KvCache newCache(int capacity) {
    return inner.newCache(capacity);
  }

  @Override
  public KvCache newCache(int capacity, KvPool pool) {
    return inner.newCache(capacity, pool);
  }

  @Override
  public synchronized Logits forward(KvCache cache, Chunk chunk) {
    forwards++;
    return kept(chunk, inner.forward(cache, chunk));
  }

  @Override
  public synchronized List<Logits> forward(List<SequenceChunk> batch) {
    forwards++;
    List<Logits> host = inner.forward(batch);
    List<Logits> out = new ArrayList<>();
    for (int i = 0; i < batch.size(); i++) {
      out.add(kept(batch.get(i).chunk(), host.get(i)));
    }
    return out;
  }

  private Logits kept(Chunk chunk, Logits host) {
    return new Logits(chunk.logitRows(), chunk.lateLogitRows(), new Kept(host, forwards));
  }

  private synchronized void requireCurrent(long forward) {
    if (forward != forwards) {
      throw new IllegalStateException(
          "logits of forward " + forward + " used after forward " + forwards + " ran");
    }
  }

  private final class Kept implements Logits.OnDevice {
    private final Logits host;
    private final long forward;

    Kept(Logits host, long forward) {
      this.host = host;
      this.forward = forward;
    }

    @Override
    public float[][] read(int[] chunkRows) {
      requireCurrent(forward);
      rowsRead.addAndGet(chunkRows.length);
      float[][] out = new float[chunkRows.length][];
      for (int k = 0; k < chunkRows.length; k++) {
        out[k] = host.row(chunkRows[k]).clone();
      }
      return out;
    }

    @Override
    public Logits.Picks pick(
        int[] chunkRows, TokenRule rule, double[] uniforms, boolean confidences) {
      requireCurrent(forward);
      picks.incrementAndGet();
      return confidences
          ? host.pickWithConfidence(chunkRows, rule, uniforms)
          : new Logits.Picks(host.pick(chunkRows, rule, uniforms), null);
    }
  }
}
