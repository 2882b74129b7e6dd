package dev.inference.nemotron.pod.engine.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CpuKvCacheTest {

  @Test
  void stagedPositionsBecomeVisibleOnlyWhenTheCacheIsExtended() {
    CpuKvCache cache = new CpuKvCache(2, 3, 4);
    cache.reserve(1);
    cache.stage(1, 0, new float[] {9, 1, 2, 3}, 1, new float[] {4, 5, 6}, 0);
    assertThat(cache.length()).isZero();
    assertThatThrownBy(() -> cache.keys(1, 0)).hasMessageContaining("outside the cache's [0, 0)");
    cache.extendTo(1);
    assertThat(cache.keys(1, 0)).containsExactly(1, 2, 3);
    assertThat(cache.values(1, 0)).containsExactly(4, 5, 6);
    assertThat(cache.keys(0, 0)).containsExactly(0, 0, 0);
  }

  @Test
  void keysAreCopies() {
    CpuKvCache cache = new CpuKvCache(1, 2, 2);
    cache.reserve(1);
    cache.stage(0, 0, new float[] {1, 2}, 0, new float[] {3, 4}, 0);
    cache.extendTo(1);
    cache.keys(0, 0)[0] = 42;
    assertThat(cache.keys(0, 0)).containsExactly(1, 2);
  }

  @Test
  void cropShortensAndRejectsLengthsOutsideTheCache() {
    CpuKvCache cache = new CpuKvCache(1, 2, 8);
    cache.reserve(5);
    cache.extendTo(5);
    cache.crop(5);
    cache.crop(3);
    assertThat(cache.length()).isEqualTo(3);
    assertThatThrownBy(() -> cache.crop(4)).hasMessageContaining("must be in [0, 3]");
    assertThatThrownBy(() -> cache.crop(-1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void memoryGrowsInBlocksUpToTheCapacityAndNotBeyond() {
    CpuKvCache cache = new CpuKvCache(1, 2, 100);
    assertThat(cache.allocated()).isZero();
    cache.reserve(1);
    assertThat(cache.allocated()).isEqualTo(CpuKvCache.BLOCK);
    cache.reserve(CpuKvCache.BLOCK + 1);
    assertThat(cache.allocated()).isEqualTo(100);
    assertThatThrownBy(() -> cache.reserve(101)).hasMessageContaining("beyond capacity 100");
    assertThatThrownBy(() -> cache.extendTo(101)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void rejectsNonPositiveAndOversizedCapacities() {
    assertThatThrownBy(() -> new CpuKvCache(1, 2, 0)).hasMessageContaining("must be positive");
    assertThatThrownBy(() -> new CpuKvCache(1, 1 << 20, 1 << 12))
        .hasMessageContaining("smaller capacity");
  }
}
