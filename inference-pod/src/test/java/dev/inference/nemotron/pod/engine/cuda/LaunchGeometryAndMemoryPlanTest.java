package dev.inference.nemotron.pod.engine.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Launch geometry and memory plans of the real model sizes on the GPUs the operator schedules. */
class LaunchGeometryAndMemoryPlanTest {
  private static final List<ModelDims> SIZES = List.of(ModelDims.B3, ModelDims.B8, ModelDims.B14);
  private static final long GIB = 1L << 30;

  @Test
  void everyKernelOfEverySizeLaunchesWithinCudaLimits() {
    for (ModelDims d : SIZES) {
      for (int rows : new int[] {1, 8, 32, 1056, 4096}) {
        assertThat(LaunchGeometry.perRow(rows, d.hidden()).block()).isEqualTo(1024);
        LaunchGeometry rope = LaunchGeometry.rope(rows, d.heads(), d.headDim());
        assertThat(rope.block()).isEqualTo(64); // one thread per rotated pair of head_dim 128
        assertThat(rope.gridY()).isEqualTo(32);
        LaunchGeometry att = LaunchGeometry.attention(rows, d.heads(), d.kvHeads(), d.headDim());
        assertThat(att.gridX() * att.gridY()).isEqualTo((long) rows * d.heads());
        assertThat(LaunchGeometry.elementwise((long) rows * d.intermediate()).threads())
            .isGreaterThanOrEqualTo((long) rows * d.intermediate())
            .isLessThan((long) rows * d.intermediate() + 256);
      }
      // Every projection's GEMV covers its output features with one warp each.
      int[][] matrices = {
        {d.queryWidth(), d.hidden()},
        {d.kvWidth(), d.hidden()},
        {d.hidden(), d.queryWidth()},
        {d.intermediate(), d.hidden()},
        {d.hidden(), d.intermediate()},
        {d.vocab(), d.hidden()}
      };
      for (int[] m : matrices) {
        for (int alignment : new int[] {8, 32}) {
          LaunchGeometry g = LaunchGeometry.gemv(m[0], m[1], alignment);
          assertThat(g.gridX() * 4).isGreaterThanOrEqualTo(m[0]).isLessThan(m[0] + 4L);
        }
      }
    }
    assertThat(LaunchGeometry.attentionSharedBytes()).isLessThan(48 * 1024);
  }

  @Test
  void shapesTheKernelsCannotRunAreRefusedOnTheHost() {
    assertThatThrownBy(() -> LaunchGeometry.attention(1, 32, 8, 320))
        .hasMessageContaining("head_dim <= 256");
    assertThatThrownBy(() -> LaunchGeometry.attention(1, 30, 8, 128))
        .hasMessageContaining("not a multiple of 8 KV heads");
    assertThatThrownBy(() -> LaunchGeometry.gemv(4096, 4100, 32))
        .hasMessageContaining("not a multiple");
    assertThatThrownBy(() -> LaunchGeometry.rope(1, 32, 127)).hasMessageContaining("even");
    assertThatThrownBy(() -> new LaunchGeometry(1, 70_000, 128))
        .hasMessageContaining("CUDA's limits");
  }

  @Test
  void bf16WeightsMatchThePublishedCheckpointSizes() {
    // MODEL.md §1: 3B ~7 GB (untied head adds 0.8 GB), 8B ~17 GB, 14B ~27 GB of BF16.
    assertThat(ModelDims.B8.deviceWeightBytes(2) / 1e9).isBetween(16.0, 17.5);
    assertThat(ModelDims.B14.deviceWeightBytes(2) / 1e9).isBetween(26.0, 28.5);
    assertThat(ModelDims.B3.deviceWeightBytes(2) / 1e9).isBetween(7.0, 8.5);
    // fp32 K and V of 34 layers, 8 KV heads of 128: 272 KiB per position for the 8B.
    assertThat(ModelDims.B8.kvBytesPerPosition()).isEqualTo(2L * 34 * 1024 * 4);
  }

  @Test
  void h100HoldsEverySizeWithAKvPool() {
    for (ModelDims d : SIZES) {
      long weights = d.deviceWeightBytes(2);
      long positions =
          MemoryPlan.kvPositionsThatFit(d, weights, 2048, 64, DeviceProfile.H100.freeBytes());
      MemoryPlan plan = MemoryPlan.of(d, weights, positions, 2048, 64);
      assertThat(plan.fits(DeviceProfile.H100.freeBytes())).isTrue();
      assertThat(plan.kvPositions() % MemoryPlan.PAGE_SIZE).isZero();
      // One page more would not fit: the pool takes what is left, no more.
      MemoryPlan bigger = MemoryPlan.of(d, weights, positions + MemoryPlan.PAGE_SIZE, 2048, 64);
      assertThat(bigger.fits(DeviceProfile.H100.freeBytes())).isFalse();
      assertThat(positions).isGreaterThan(100_000); // >= 3 full 32K contexts even for the 14B
    }
  }

  @Test
  void l4HoldsThe3BAnd8BButNotThe14BInBf16() {
    long free = DeviceProfile.L4.freeBytes();
    assertThat(
            MemoryPlan.kvPositionsThatFit(
                ModelDims.B3, ModelDims.B3.deviceWeightBytes(2), 2048, 64, free))
        .isGreaterThan(32_768);
    long b8 =
        MemoryPlan.kvPositionsThatFit(
            ModelDims.B8, ModelDims.B8.deviceWeightBytes(2), 2048, 64, free);
    assertThat(b8).isPositive().isLessThan(32_768); // the 8B fits, with a small fp32 pool
    long weights14 = ModelDims.B14.deviceWeightBytes(2);
    assertThat(MemoryPlan.kvPositionsThatFit(ModelDims.B14, weights14, 2048, 64, free)).isZero();
    MemoryPlan plan = MemoryPlan.of(ModelDims.B14, weights14, 4096, 2048, 64);
    assertThatThrownBy(() -> plan.requireFits("NVIDIA L4", free, DeviceProfile.L4.totalBytes()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("does not fit on NVIDIA L4")
        .hasMessageContaining(MemoryPlan.gib(weights14))
        .hasMessageContaining("4096 positions")
        .hasMessageContaining("22.00 GiB free of 24.00 GiB");
  }

  @Test
  void a100SizesFollowTheirMemory() {
    long weights14 = ModelDims.B14.deviceWeightBytes(2);
    long on80 =
        MemoryPlan.kvPositionsThatFit(
            ModelDims.B14, weights14, 2048, 64, DeviceProfile.A100_80GB.freeBytes());
    long on40 =
        MemoryPlan.kvPositionsThatFit(
            ModelDims.B14, weights14, 2048, 64, DeviceProfile.A100_40GB.freeBytes());
    assertThat(on40).isPositive().isLessThan(on80);
    // 40 GiB more memory is 40 GiB more pool, to the page.
    long extra = DeviceProfile.A100_80GB.freeBytes() - DeviceProfile.A100_40GB.freeBytes();
    long pageBytes = MemoryPlan.PAGE_SIZE * ModelDims.B14.kvBytesPerPosition();
    assertThat((on80 - on40) / MemoryPlan.PAGE_SIZE)
        .isBetween(extra / pageBytes - 1, extra / pageBytes + 1);
    assertThat(DeviceProfile.L4.supported()).isTrue();
    assertThat(new DeviceProfile("T4", 16 * GIB, 15 * GIB, 320e9, 7, 5).supported()).isFalse();
  }

  @Test
  void theWorkspaceGrowsWithRowsAndLogitRows() {
    long one = MemoryPlan.workspaceBytes(ModelDims.B8, 1, 1);
    long many = MemoryPlan.workspaceBytes(ModelDims.B8, 32, 1);
    assertThat(many).isEqualTo(one + 31 * (one - 131_072L * 4));
    assertThat(MemoryPlan.workspaceBytes(ModelDims.B8, 32, 32) - many).isEqualTo(31L * 131_072 * 4);
    assertThatThrownBy(() -> MemoryPlan.of(ModelDims.B8, 1, 0, 4, 8))
        .hasMessageContaining("maxLogitRows <= maxRows");
  }

  @Test
  void deviceNamesGiveTheirDataSheetBandwidth() {
    assertThat(DeviceProfile.bandwidthOf("NVIDIA H100 80GB HBM3")).isEqualTo(3.35e12);
    assertThat(DeviceProfile.bandwidthOf("NVIDIA H100 PCIe")).isEqualTo(2.0e12);
    assertThat(DeviceProfile.bandwidthOf("NVIDIA A100-SXM4-40GB")).isEqualTo(1.555e12);
    assertThat(DeviceProfile.bandwidthOf("NVIDIA L4")).isEqualTo(300e9);
    assertThat(DeviceProfile.bandwidthOf("NVIDIA L40S")).isEqualTo(864e9);
    assertThat(DeviceProfile.bandwidthOf("Some GPU")).isZero();
  }
}
