package dev.inference.nemotron.pod.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link Quantization#scale} against the scales tensor it was built from, per scale dtype. */
class QuantizationTest {

  @Test
  void everyScaleEqualsTheStoredOneInEachFloatDtype() {
    Random random = new Random(7);
    for (DType dtype : new DType[] {DType.BF16, DType.F16, DType.F32}) {
      int rows = 5;
      int blocks = 3;
      // Off the heap, unaligned by one byte: as a slice of a mapped safetensors file can be.
      MemorySegment data =
          Arena.ofAuto().allocate((long) rows * blocks * dtype.bytes() + 1, 8).asSlice(1);
      for (int i = 0; i < rows * blocks; i++) {
        dtype.encode(data, i, (random.nextFloat() - 0.5f) * 0.02f);
      }
      Tensor scales = new Tensor("w.weight_scale", dtype, new long[] {rows, blocks}, data);
      Quantization q = new Quantization(QuantFormat.INT8, 32, blocks, scales);
      for (int j = 0; j < rows; j++) {
        for (int b = 0; b < blocks; b++) {
          assertThat(q.scale(j, b))
              .as("%s (%d, %d)", dtype, j, b)
              .isEqualTo(scales.get(j * blocks + b));
        }
      }
      assertThat(q.scales()).isSameAs(scales);
    }
  }

  @Test
  void theScalesAreReadOnceAtConstruction() {
    MemorySegment data = Arena.ofAuto().allocate(2 * 2, 2);
    Tensor scales = new Tensor("w.weight_scale", DType.BF16, new long[] {2, 1}, data);
    DType.BF16.encode(data, 0, 0.5f);
    DType.BF16.encode(data, 1, 0.25f);
    Quantization q = new Quantization(QuantFormat.INT8, 32, 1, scales);
    DType.BF16.encode(data, 1, 4f);
    assertThat(q.scale(1, 0)).isEqualTo(0.25f);
  }

  @Test
  void integerScalesAreRefused() {
    Tensor scales = new Tensor("s", DType.I8, new long[] {1}, Arena.ofAuto().allocate(1));
    assertThatThrownBy(() -> new Quantization(QuantFormat.INT8, 32, 1, scales))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must be BF16, F16 or F32");
  }
}
