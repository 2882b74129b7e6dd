package dev.inference.nemotron.pod.serve;

import dev.inference.nemotron.pod.decode.DecodeRequest;
import dev.inference.nemotron.pod.decode.DecodeResult;
import dev.inference.nemotron.pod.decode.DecodingTask;
import dev.inference.nemotron.pod.engine.ForwardPass;
import dev.inference.nemotron.pod.engine.KvCache;
import dev.inference.nemotron.pod.engine.KvPool;
import dev.inference.nemotron.pod.engine.Logits;
import dev.inference.nemotron.pod.engine.SequenceChunk;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Continuous batching: one thread that, between forwards, admits queued requests, drops cancelled
 * and expired ones (freeing their KV memory at once), asks every running sequence's decoder for its
 * next chunk, packs the chunks under a row budget into ONE batched forward, and hands each sequence
 * its logits. Requests join and leave the batch between any two forwards; AR steps, diffusion
 * blocks, self-speculation rounds and prefill chunks of different requests share a forward.
 *
 * <p>Fairness: each tenant has a virtual time, the rows it was served divided by its weight.
 * Admission takes the next request of the tenant with the least virtual time, and when the running
 * sequences' chunks exceed the row budget, the sequences of the least-served tenants go first. A
 * tenant that floods the queue thus gets its weight's share, not the whole server.
 *
 * <p>Backpressure: the queue is bounded ({@link #submit} refuses when full, the API answers 429); a
 * sequence starts only when its worst-case KV need fits the pool, so a running sequence never runs
 * out of cache.
 */
public final class Scheduler implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(Scheduler.class.getName());

  /**
   * @param maxBatchRows rows per batched forward (a single larger chunk still runs, alone)
   * @param maxQueued requests waiting for admission before {@link #submit} refuses
   * @param maxRunning sequences decoding at once
   * @param prefillChunk most prompt rows per prefill forward
   */
  public record Settings(int maxBatchRows, int maxQueued, int maxRunning, int prefillChunk) {
    public Settings {
      if (maxBatchRows < 1 || maxQueued < 0 || maxRunning < 1 || prefillChunk < 1) {
        throw new IllegalArgumentException("scheduler settings out of range: " + this);
      }
    }
  }

  /** Thrown by {@link #submit} when the queue is full or the scheduler no longer admits. */
  public static final class RefusedException extends Exception {
    private final boolean draining;

    RefusedException(String message, boolean draining) {
      super(message);
      this.draining = draining;
    }

    /** Whether the refusal is because the server is shutting down (not a full queue). */
    public boolean draining() {
      return draining;
    }
  }

  private final ForwardPass model;
  private final KvPool pool;
  private final Settings settings;
  private final ServingMetrics metrics;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final Map<String, ArrayDeque<Sequence>> queues = new HashMap<>(); // guarded by lock
  private final Map<String, Double> virtualTime = new HashMap<>(); // scheduler thread only
  private final List<Sequence> running = new ArrayList<>(); // scheduler thread only
  private final AtomicLong ids = new AtomicLong();
  private final Thread thread;
  private int queued; // guarded by lock
  private volatile int active;
  private volatile boolean admitting = true;
  private volatile boolean stopped;

  public Scheduler(ForwardPass model, KvPool pool, Settings settings, ServingMetrics metrics) {
    this.model = model;
    this.pool = pool;
    this.settings = settings;
    this.metrics = metrics;
    this.thread = new Thread(this::loop, "ndd-scheduler");
    this.thread.setDaemon(true);
    metrics.gauges(this::queued, () -> active, pool::usedRatio);
  }

  /** Starts the scheduling thread. */
  public Scheduler start() {
    thread.start();
    return this;
  }

  /** Requests waiting for admission. */
  public int queued() {
    lock.lock();
    try {
      return queued;
    } finally {
      lock.unlock();
    }
  }

  /** Sequences decoding. */
  public int active() {
    return active;
  }

  /**
   * Queues a sequence. Returns a handle to cancel it.
   *
   * @throws RefusedException when the queue is full or the scheduler is draining
   */
  public Handle submit(Submission submission) throws RefusedException {
    if (submission.cachePositions() > pool.capacity()) {
      throw new IllegalArgumentException(
          "the request needs "
              + submission.cachePositions()
              + " KV cache positions but the whole pool holds "
              + pool.capacity());
    }
    Sequence s = new Sequence(ids.incrementAndGet(), submission);
    lock.lock();
    try {
      if (!admitting) {
        throw new RefusedException("the server is shutting down and admits no new requests", true);
      }
      if (queued >= settings.maxQueued()) {
        throw new RefusedException(
            "the admission queue is full ("
                + settings.maxQueued()
                + " requests waiting); retry later",
            false);
      }
      queues.computeIfAbsent(submission.tenant(), t -> new ArrayDeque<>()).addLast(s);
      queued++;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    return s;
  }

  /** Stops admitting: later {@link #submit} calls are refused; queued and running work goes on. */
  public void stopAdmission() {
    admitting = false;
  }

  /**
   * Waits until nothing is queued or running, at most {@code timeoutMillis}; returns whether so.
   */
  public boolean awaitIdle(long timeoutMillis) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    lock.lock();
    try {
      while (queued > 0 || active > 0) {
        long left = end - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        changed.awaitNanos(left);
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Stops the thread; whatever is queued or running ends with {@link
   * SequenceObserver.Failure#SHUTDOWN}.
   */
  @Override
  public void close() {
    admitting = false;
    stopped = true;
    lock.lock();
    try {
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    try {
      thread.join(TimeUnit.SECONDS.toMillis(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void loop() {
    try {
      while (!stopped) {
        admit();
        reap();
        if (running.isEmpty()) {
          awaitWork();
          continue;
        }
        step();
      }
    } catch (Throwable t) {
      LOG.log(Level.SEVERE, "the scheduler stopped on an unexpected error", t);
    } finally {
      shutDown();
    }
  }

  private void awaitWork() throws InterruptedException {
    lock.lock();
    try {
      active = running.size();
      changed.signalAll();
      if (queued == 0 && !stopped) {
        changed.await(100, TimeUnit.MILLISECONDS);
      }
    } finally {
      lock.unlock();
    }
  }

  /** Moves queued sequences into the running set, least-served tenant first, while they fit. */
  private void admit() {
    while (running.size() < settings.maxRunning()) {
      Sequence next;
      lock.lock();
      try {
        next = nextQueued();
        if (next == null) {
          return;
        }
        if (!next.cancelled
            && !next.expired()
            && !pool.tryReserve(next.submission.cachePositions())) {
          return; // waits for memory; it stays first in its tenant's queue
        }
        queues.get(next.submission.tenant()).pollFirst();
        queued--;
      } finally {
        lock.unlock();
      }
      if (next.cancelled || next.expired()) {
        next.fail(
            next.cancelled ? SequenceObserver.Failure.CANCELLED : SequenceObserver.Failure.TIMEOUT);
        continue;
      }
      next.reserved = true;
      try {
        next.begin();
        running.add(next);
      } catch (RuntimeException e) {
        next.release();
        next.observer().onFailure(SequenceObserver.Failure.REJECTED, e.getMessage());
      }
    }
    active = running.size();
  }

  /** The head of the queue of the tenant with the least virtual time; null when none. */
  private Sequence nextQueued() {
    Sequence best = null;
    double bestTime = Double.MAX_VALUE;
    for (Map.Entry<String, ArrayDeque<Sequence>> e : queues.entrySet()) {
      Sequence head = e.getValue().peekFirst();
      if (head == null) {
        continue;
      }
      double t = virtualTimeOf(e.getKey());
      if (best == null || t < bestTime || (t == bestTime && head.id < best.id)) {
        best = head;
        bestTime = t;
      }
    }
    return best;
  }

  /**
   * A tenant's virtual time; a newcomer starts at the least of the running ones (no banked credit).
   */
  private double virtualTimeOf(String tenant) {
    Double t = virtualTime.get(tenant);
    if (t != null) {
      return t;
    }
    double floor = virtualTime.values().stream().mapToDouble(Double::doubleValue).min().orElse(0);
    virtualTime.put(tenant, floor);
    return floor;
  }

  /** Ends cancelled and expired sequences, freeing their memory before the next forward. */
  private void reap() {
    for (Iterator<Sequence> it = running.iterator(); it.hasNext(); ) {
      Sequence s = it.next();
      if (s.cancelled || s.expired()) {
        it.remove();
        s.fail(s.cancelled ? SequenceObserver.Failure.CANCELLED : SequenceObserver.Failure.TIMEOUT);
      }
    }
    active = running.size();
  }

  /** One batched forward over the chunks that fit the row budget, least-served tenants first. */
  private void step() {
    List<Sequence> order = new ArrayList<>(running);
    // A sequence left out last time goes first now (a chunk wider than the budget then runs
    // alone), so no chunk waits forever behind smaller ones; then least-served tenants first.
    order.sort(
        Comparator.comparing((Sequence s) -> !s.skipped)
            .thenComparingDouble(s -> virtualTimeOf(s.submission.tenant()))
            .thenComparingLong(s -> s.id));
    List<Sequence> batch = new ArrayList<>();
    List<SequenceChunk> chunks = new ArrayList<>();
    int rows = 0;
    for (Sequence s : order) {
      SequenceChunk chunk = new SequenceChunk(s.cache, s.task.nextChunk());
      int n = chunk.chunk().length();
      if (!batch.isEmpty() && rows + n > settings.maxBatchRows()) {
        s.skipped = true;
        continue;
      }
      s.skipped = false;
      batch.add(s);
      chunks.add(chunk);
      rows += n;
    }
    List<Logits> logits;
    try {
      logits = model.forward(chunks);
    } catch (RuntimeException e) {
      // One sequence's bad chunk must not take the others down: retry them one by one.
      LOG.log(Level.WARNING, "a batched forward failed; running its sequences alone", e);
      runAlone(batch);
      return;
    }
    metrics.batch(rows, batch.size());
    for (int i = 0; i < batch.size(); i++) {
      Sequence s = batch.get(i);
      String tenant = s.submission.tenant();
      virtualTime.put(
          tenant,
          virtualTimeOf(tenant) + (double) chunks.get(i).chunk().length() / s.submission.weight());
      s.advance(logits.get(i));
    }
    running.removeIf(Sequence::ended);
    active = running.size();
  }

  private void runAlone(List<Sequence> batch) {
    for (Sequence s : batch) {
      try {
        s.advance(model.forward(s.cache, s.task.nextChunk()));
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "sequence " + s.id + " failed in the engine", e);
        s.fail(SequenceObserver.Failure.ERROR, "the engine failed: " + e.getMessage());
      }
    }
    running.removeIf(Sequence::ended);
    active = running.size();
  }

  private void shutDown() {
    for (Sequence s : running) {
      s.fail(SequenceObserver.Failure.SHUTDOWN);
    }
    running.clear();
    lock.lock();
    try {
      for (ArrayDeque<Sequence> q : queues.values()) {
        for (Sequence s : q) {
          s.fail(SequenceObserver.Failure.SHUTDOWN);
        }
        q.clear();
      }
      queued = 0;
      active = 0;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** A submitted sequence's handle: cancel it (client gone) at any time, from any thread. */
  public interface Handle {
    /** Stops the sequence before its next forward and frees its cache; idempotent. */
    void cancel();
  }

  /** One request in the scheduler: its task, cache and timing. */
  private final class Sequence implements Handle {
    final long id;
    final Submission submission;
    final long arrival = System.nanoTime();
    DecodingTask task;
    KvCache cache;
    boolean reserved;
    boolean skipped;
    volatile boolean cancelled;
    private boolean ended;
    private int forwardsSeen;
    private int tokensSeen;
    private int stepTokens;
    private long lastToken;

    Sequence(long id, Submission submission) {
      this.id = id;
      this.submission = submission;
    }

    SequenceObserver observer() {
      return submission.observer();
    }

    @Override
    public void cancel() {
      cancelled = true;
      lock.lock();
      try {
        changed.signalAll();
      } finally {
        lock.unlock();
      }
    }

    boolean expired() {
      return System.nanoTime() - submission.deadlineNanos() > 0;
    }

    boolean ended() {
      return ended;
    }

    void begin() {
      cache = model.newCache(submission.cachePositions(), pool);
      task =
          submission
              .decoder()
              .start(
                  model,
                  cache,
                  new DecodeRequest(
                      submission.prompt(),
                      submission.sampling(),
                      submission.detokenizer(),
                      this::token,
                      settings.prefillChunk()));
    }

    private void token(int id) {
      long now = System.nanoTime();
      if (tokensSeen + stepTokens == 0) {
        metrics.firstToken(task.mode(), now - arrival);
        lastToken = now;
      }
      stepTokens++;
      observer().onToken(id);
    }

    void advance(Logits logits) {
      try {
        task.accept(logits);
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "sequence " + id + " failed on its logits", e);
        fail(SequenceObserver.Failure.ERROR, "decoding failed: " + e.getMessage());
        return;
      }
      int forwards = task.forwards();
      int tokens = task.emittedTokens();
      metrics.progress(task.mode(), forwards - forwardsSeen, tokens - tokensSeen);
      if (stepTokens > 0) {
        long now = System.nanoTime();
        boolean first = tokensSeen == 0;
        // Tokens settled by one forward arrive together: each gets an equal share of the gap.
        int gaps = first ? stepTokens - 1 : stepTokens;
        for (int k = 0; k < gaps; k++) {
          metrics.interToken(task.mode(), (now - lastToken) / Math.max(1, gaps));
        }
        lastToken = now;
        observer().onStepEnd();
      }
      forwardsSeen = forwards;
      tokensSeen = tokens;
      stepTokens = 0;
      if (task.done()) {
        DecodeResult result = task.result();
        metrics.finished(result, System.nanoTime() - arrival);
        release();
        ended = true;
        observer().onFinish(result);
      }
    }

    void fail(SequenceObserver.Failure failure) {
      fail(
          failure,
          switch (failure) {
            case CANCELLED -> "the request was cancelled";
            case TIMEOUT -> "the request ran past its timeout";
            case SHUTDOWN -> "the server shut down before the request finished";
            default -> "the request failed";
          });
    }

    void fail(SequenceObserver.Failure failure, String message) {
      if (ended) {
        return;
      }
      release();
      ended = true;
      observer().onFailure(failure, message);
    }

    void release() {
      if (cache != null) {
        cache.release();
        cache = null;
      }
      if (reserved) {
        pool.unreserve(submission.cachePositions());
        reserved = false;
      }
    }
  }
}
