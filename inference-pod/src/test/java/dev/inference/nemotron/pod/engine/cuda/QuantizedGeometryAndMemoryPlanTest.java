package dev.inference.nemotron.pod.engine.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.inference.nemotron.pod.model.QuantFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Launch geometry, kernel routes, dequantization tiles and memory plans of the quantized formats
 * (int8 and int4 with blocks of 32 and 64, fp8) for the 3B/8B/14B shapes on H100, A100 and L4. The
 * expected figures are computed here from the shapes and WEIGHT-FORMATS.md, independently of the
 * plan's own arithmetic.
 */
class QuantizedGeometryAndMemoryPlanTest {
  private static final List<ModelDims> SIZES = List.of(ModelDims.B3, ModelDims.B8, ModelDims.B14);
  private static final DeviceMatrix.Format[] QUANTIZED = {
    DeviceMatrix.Format.INT8, DeviceMatrix.Format.INT4, DeviceMatrix.Format.FP8
  };

  /** {out, in} of every projection of a layer, and the LM head. */
  private static int[][] matrices(ModelDims d) {
    return new int[][] {
      {d.queryWidth(), d.hidden()},
      {d.kvWidth(), d.hidden()},
      {d.hidden(), d.queryWidth()},
      {d.intermediate(), d.hidden()},
      {d.hidden(), d.intermediate()},
      {d.vocab(), d.hidden()}
    };
  }

  /** Weights of all layers' projections. */
  private static long projectionElements(ModelDims d) {
    long h = d.hidden();
    return d.layers() * (2 * d.queryWidth() * h + 2 * d.kvWidth() * h + 3L * d.intermediate() * h);
  }

  /** Output rows of all layers' projections (fp8 has one F32 scale per row). */
  private static long projectionRows(ModelDims d) {
    return d.layers()
        * ((long) d.queryWidth()
            + 2L * d.kvWidth()
            + d.hidden()
            + 2L * d.intermediate()
            + d.hidden());
  }

  @Test
  void quantizedGemvCoversEveryOutputOfEveryShape() {
    for (ModelDims d : SIZES) {
      for (int[] m : matrices(d)) {
        for (DeviceMatrix.Format f : QUANTIZED) {
          for (int block : new int[] {32, 64}) {
            LaunchGeometry g = LaunchGeometry.gemvQuantized(f, m[0], m[1], block);
            assertThat(g.block()).isEqualTo(128); // 4 warps, two output features each
            assertThat(g.gridX() * 8).isGreaterThanOrEqualTo(m[0]).isLessThan(m[0] + 8L);
            assertThat(g.gridY()).isEqualTo(1);
            // every lane's 16-byte vector stays inside one row, and inside one block of scales
            long rowBytes = f.bytes(1, m[1]);
            assertThat(rowBytes % 16).isZero();
            if (f != DeviceMatrix.Format.FP8) {
              long codesPerVector = f == DeviceMatrix.Format.INT4 ? 32 : 16;
              assertThat(block % codesPerVector).isZero();
            }
          }
        }
      }
    }
  }

  @Test
  void theGemvRefusesWhatItCannotReadAndTheRouteSendsThatToTheDequantizingPath() {
    assertThatThrownBy(() -> LaunchGeometry.gemvQuantized(DeviceMatrix.Format.INT8, 64, 4096, 16))
        .hasMessageContaining("blocks of 32 or 64");
    assertThatThrownBy(() -> LaunchGeometry.gemvQuantized(DeviceMatrix.Format.INT4, 64, 4128, 64))
        .hasMessageContaining("in_features 4128, block 64");
    assertThatThrownBy(() -> LaunchGeometry.gemvQuantized(DeviceMatrix.Format.FP8, 64, 100, 100))
        .hasMessageContaining("multiple of 16");
    for (DeviceMatrix.Format f : QUANTIZED) {
      for (int rows = 1; rows <= 8; rows++) {
        assertThat(DeviceMatmul.Route.of(f, rows, 4096, 32))
            .isEqualTo(DeviceMatmul.Route.GEMV_QUANTIZED);
      }
      assertThat(DeviceMatmul.Route.of(f, 9, 4096, 32))
          .isEqualTo(DeviceMatmul.Route.DEQUANTIZE_GEMM);
      assertThat(DeviceMatmul.Route.of(f, 2048, 14_336, 64))
          .isEqualTo(DeviceMatmul.Route.DEQUANTIZE_GEMM);
    }
    // an fp8 width the 16-byte GEMV cannot stream still runs, through the dequantizing path
    assertThat(DeviceMatmul.Route.of(DeviceMatrix.Format.FP8, 1, 100, 100))
        .isEqualTo(DeviceMatmul.Route.DEQUANTIZE_GEMM);
    assertThat(DeviceMatmul.Route.of(DeviceMatrix.Format.BF16, 8, 4096, 0))
        .isEqualTo(DeviceMatmul.Route.GEMV);
    assertThat(DeviceMatmul.Route.of(DeviceMatrix.Format.BF16, 9, 4096, 0))
        .isEqualTo(DeviceMatmul.Route.GEMM);
  }

  @Test
  void dequantizationTilesFitTheirBufferAndCoverEveryRow() {
    for (ModelDims d : SIZES) {
      long largest = (long) d.intermediate() * d.hidden();
      long buffer = DequantizeTiles.bufferBytes(largest);
      assertThat(buffer).isEqualTo(DequantizeTiles.MAX_BUFFER_BYTES); // every size: > 8M weights
      for (int[] m : matrices(d)) {
        int rows = DequantizeTiles.tileRows(m[0], m[1], buffer);
        assertThat((long) rows * m[1] * 4).isLessThanOrEqualTo(buffer);
        assertThat(rows == m[0] || rows % 64 == 0).isTrue();
        int tiles = DequantizeTiles.tiles(m[0], m[1], buffer);
        assertThat((long) tiles * rows).isGreaterThanOrEqualTo(m[0]);
        assertThat((long) (tiles - 1) * rows).isLessThan(m[0]);
        LaunchGeometry g = LaunchGeometry.dequantize(rows, m[1]);
        assertThat(g.threads()).isGreaterThanOrEqualTo((long) rows * m[1]);
      }
    }
    // The 8B's widest projection, gate [14336, 4096]: 2048 rows (32 MiB / 16 KiB) per tile, 7
    // tiles.
    assertThat(DequantizeTiles.tileRows(14_336, 4096, DequantizeTiles.MAX_BUFFER_BYTES))
        .isEqualTo(2048);
    assertThat(DequantizeTiles.tiles(14_336, 4096, DequantizeTiles.MAX_BUFFER_BYTES)).isEqualTo(7);
    // A small model's buffer is its largest quantized matrix, whole.
    assertThat(DequantizeTiles.bufferBytes(128 * 64)).isEqualTo(128 * 64 * 4);
    assertThat(DequantizeTiles.tileRows(128, 64, 128 * 64 * 4)).isEqualTo(128);
    assertThatThrownBy(() -> DequantizeTiles.tileRows(10, 4096, 1000))
        .hasMessageContaining("cannot hold one row of 4096 inputs");
  }

  @Test
  void quantizedWeightBytesFollowTheFormatsFromTheShapes() {
    for (ModelDims d : SIZES) {
      long p = projectionElements(d);
      long embedAndHead = 2L * d.vocab() * d.hidden() * 2; // both BF16
      long norms = d.normElements() * 4;
      for (int block : new int[] {32, 64}) {
        // int8: 1 byte per weight + a BF16 scale per block; int4: half a byte + the same scales
        assertThat(MemoryPlan.Weights.of(d, QuantFormat.INT8, block, false).bytes())
            .isEqualTo(p + p / block * 2 + embedAndHead + norms);
        assertThat(MemoryPlan.Weights.of(d, QuantFormat.INT4, block, false).bytes())
            .isEqualTo(p / 2 + p / block * 2 + embedAndHead + norms);
      }
      assertThat(MemoryPlan.Weights.of(d, QuantFormat.FP8, 32, false).bytes())
          .isEqualTo(p + projectionRows(d) * 4 + embedAndHead + norms);
      // BF16 is what ModelDims has always planned
      assertThat(MemoryPlan.Weights.of(d, null, 32, false).bytes())
          .isEqualTo(d.deviceWeightBytes(2));
      assertThat(MemoryPlan.Weights.of(d, null, 32, false).dequantizeBytes()).isZero();
      // +head: the LM head's [vocab, H] is int8 too
      long head = (long) d.vocab() * d.hidden();
      assertThat(
              MemoryPlan.Weights.of(d, QuantFormat.INT8, 32, false).bytes()
                  - MemoryPlan.Weights.of(d, QuantFormat.INT8, 32, true).bytes())
          .isEqualTo(head * 2 - (head + head / 32 * 2));
      assertThat(MemoryPlan.Weights.of(d, QuantFormat.INT4, 32, true).dequantizeBytes())
          .isEqualTo(DequantizeTiles.MAX_BUFFER_BYTES);
    }
  }

  @Test
  void everySizeAndFormatFitsAnH100WithMoreKvThanBf16() {
    long free = DeviceProfile.H100.freeBytes();
    for (ModelDims d : SIZES) {
      long bf16 = MemoryPlan.kvPositionsThatFit(d, d.deviceWeightBytes(2), 2048, 64, free);
      long pageBytes = MemoryPlan.PAGE_SIZE * d.kvBytesPerPosition();
      for (QuantFormat f : QuantFormat.values()) {
        MemoryPlan.Weights w = MemoryPlan.Weights.of(d, f, 32, false);
        long positions = MemoryPlan.kvPositionsThatFit(d, w, 2048, 64, free);
        MemoryPlan plan = MemoryPlan.of(d, w, positions, 2048, 64);
        assertThat(plan.fits(free)).isTrue();
        assertThat(plan.dequantizeBytes()).isEqualTo(DequantizeTiles.MAX_BUFFER_BYTES);
        assertThat(plan.totalBytes())
            .isEqualTo(
                w.bytes()
                    + plan.kvBytes()
                    + plan.workspaceBytes()
                    + MemoryPlan.RESERVE_BYTES
                    + w.dequantizeBytes());
        assertThat(MemoryPlan.of(d, w, positions + MemoryPlan.PAGE_SIZE, 2048, 64).fits(free))
            .isFalse();
        // The bytes the format saves, less the tile, are KV pages (to the page).
        long saved = d.deviceWeightBytes(2) - w.bytes() - w.dequantizeBytes();
        assertThat((positions - bf16) / MemoryPlan.PAGE_SIZE)
            .isBetween(saved / pageBytes - 1, saved / pageBytes + 1);
      }
    }
  }

  @Test
  void onAnL4The14BFitsOnlyQuantized() {
    long free = DeviceProfile.L4.freeBytes();
    ModelDims d = ModelDims.B14;
    assertThat(MemoryPlan.kvPositionsThatFit(d, d.deviceWeightBytes(2), 2048, 64, free)).isZero();
    long int8 =
        MemoryPlan.kvPositionsThatFit(
            d, MemoryPlan.Weights.of(d, QuantFormat.INT8, 32, false), 2048, 64, free);
    long fp8 =
        MemoryPlan.kvPositionsThatFit(
            d, MemoryPlan.Weights.of(d, QuantFormat.FP8, 32, false), 2048, 64, free);
    long int4 =
        MemoryPlan.kvPositionsThatFit(
            d, MemoryPlan.Weights.of(d, QuantFormat.INT4, 32, false), 2048, 64, free);
    assertThat(int8).isGreaterThan(CudaForwardPass.MIN_KV_POSITIONS);
    assertThat(fp8).isGreaterThan(int8); // fp8 has one scale per row, int8 one per 32 weights
    assertThat(int4).isGreaterThan(fp8);
    // An 8B in int4 leaves an L4 room for a full 32K context of fp32 KV (in BF16 it does not).
    ModelDims b8 = ModelDims.B8;
    assertThat(
            MemoryPlan.kvPositionsThatFit(
                b8, MemoryPlan.Weights.of(b8, QuantFormat.INT4, 32, false), 2048, 64, free))
        .isGreaterThan(32_768);
    assertThat(MemoryPlan.kvPositionsThatFit(b8, b8.deviceWeightBytes(2), 2048, 64, free))
        .isLessThan(32_768);
  }

  @Test
  void anA100FitsEveryFormatAndTheErrorNamesTheTile() {
    for (DeviceProfile gpu : List.of(DeviceProfile.A100_40GB, DeviceProfile.A100_80GB)) {
      for (ModelDims d : SIZES) {
        for (QuantFormat f : QuantFormat.values()) {
          MemoryPlan.Weights w = MemoryPlan.Weights.of(d, f, 64, false);
          assertThat(MemoryPlan.kvPositionsThatFit(d, w, 2048, 64, gpu.freeBytes()))
              .as("%s %s on %s", d, f, gpu.name())
              .isGreaterThan(CudaForwardPass.MIN_KV_POSITIONS);
        }
      }
    }
    MemoryPlan.Weights w = MemoryPlan.Weights.of(ModelDims.B14, QuantFormat.INT8, 32, false);
    MemoryPlan tooBig = MemoryPlan.of(ModelDims.B14, w, 200_000, 2048, 64);
    assertThatThrownBy(
            () ->
                tooBig.requireFits(
                    "NVIDIA L4", DeviceProfile.L4.freeBytes(), DeviceProfile.L4.totalBytes()))
        .hasMessageContaining("dequantization tile 0.03 GiB")
        .hasMessageContaining("weights " + MemoryPlan.gib(w.bytes()))
        .hasMessageContaining("200000 positions");
  }
}
