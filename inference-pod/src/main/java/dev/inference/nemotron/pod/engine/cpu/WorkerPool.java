package dev.inference.nemotron.pod.engine.cpu;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.RecursiveAction;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A persistent pool of worker threads that splits index ranges (output rows, attention heads)
 * across the machine's cores. Threads are created once per pool size and live for the process: a
 * forward pass makes hundreds of parallel calls and must not pay for thread creation in any of
 * them.
 */
public final class WorkerPool {
  private static final Map<Integer, WorkerPool> SHARED = new ConcurrentHashMap<>();

  private final int threads;
  private final ForkJoinPool pool;

  /** The body of a parallel loop over one contiguous range {@code [from, to)}. */
  @FunctionalInterface
  public interface RangeBody {
    void run(int from, int to);
  }

  private WorkerPool(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("ndd.threads must be at least 1, got " + threads);
    }
    this.threads = threads;
    AtomicInteger ids = new AtomicInteger();
    this.pool =
        threads == 1
            ? null
            : new ForkJoinPool(
                threads,
                p -> {
                  ForkJoinWorkerThread t =
                      ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(p);
                  t.setName("ndd-worker-" + ids.incrementAndGet());
                  t.setDaemon(true);
                  return t;
                },
                null,
                false);
  }

  /** The process-wide pool with {@code threads} workers, created on first use. */
  public static WorkerPool shared(int threads) {
    return SHARED.computeIfAbsent(threads, WorkerPool::new);
  }

  /** Number of workers. */
  public int threads() {
    return threads;
  }

  /**
   * Runs {@code body} over {@code [0, n)} split into at most {@code parts} contiguous ranges of
   * near-equal size and returns when every range is done; the first failure is rethrown.
   */
  public void forRanges(int n, int parts, RangeBody body) {
    int p = Math.min(parts, n);
    if (pool == null || p <= 1) {
      if (n > 0) {
        body.run(0, n);
      }
      return;
    }
    RecursiveAction[] tasks = new RecursiveAction[p];
    for (int k = 0; k < p; k++) {
      int from = (int) ((long) n * k / p);
      int to = (int) ((long) n * (k + 1) / p);
      tasks[k] =
          new RecursiveAction() {
            @Override
            protected void compute() {
              body.run(from, to);
            }
          };
    }
    pool.invoke(
        new RecursiveAction() {
          @Override
          protected void compute() {
            invokeAll(tasks);
          }
        });
  }

  /** {@link #forRanges} with one range per worker. */
  public void forRanges(int n, RangeBody body) {
    forRanges(n, threads, body);
  }
}
