package dev.inference.nemotron.pod.engine.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class WorkerPoolTest {

  @Test
  void everyIndexRunsExactlyOnceAcrossWorkers() {
    WorkerPool pool = WorkerPool.shared(3);
    for (int n : new int[] {0, 1, 2, 7, 1000}) {
      AtomicIntegerArray hits = new AtomicIntegerArray(Math.max(n, 1));
      pool.forRanges(
          n,
          5,
          (from, to) -> {
            for (int i = from; i < to; i++) {
              hits.incrementAndGet(i);
            }
          });
      for (int i = 0; i < n; i++) {
        assertThat(hits.get(i)).as("n=%d index %d", n, i).isEqualTo(1);
      }
    }
  }

  @Test
  void rangesRunOnPersistentNamedWorkers() {
    WorkerPool pool = WorkerPool.shared(2);
    assertThat(WorkerPool.shared(2)).isSameAs(pool);
    Set<String> names = ConcurrentHashMap.newKeySet();
    for (int call = 0; call < 50; call++) {
      pool.forRanges(2, (from, to) -> names.add(Thread.currentThread().getName()));
    }
    assertThat(names).allMatch(name -> name.startsWith("ndd-worker-")).hasSizeLessThanOrEqualTo(2);
  }

  @Test
  void aFailingRangeFailsTheCall() {
    WorkerPool pool = WorkerPool.shared(2);
    assertThatThrownBy(
            () ->
                pool.forRanges(
                    10,
                    (from, to) -> {
                      if (from > 0) {
                        throw new IllegalStateException("boom in " + from);
                      }
                    }))
        .hasMessageContaining("boom in 5");
  }
}
