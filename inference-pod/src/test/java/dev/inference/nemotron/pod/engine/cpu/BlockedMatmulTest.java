package dev.inference.nemotron.pod.engine.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.inference.nemotron.pod.model.DType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import org.junit.jupiter.api.RepeatedTest;

/**
 * The BF16 matmul paths of {@link VectorKernels} (four weight rows at once for one input row;
 * weight blocks, input-row tiles and input slices for several) on shapes that cross every block,
 * tile and slice edge: equal to the scalar twin within rounding, and every row equal bit for bit to
 * the same row computed alone (what makes a request's tokens independent of its batch).
 */
class BlockedMatmulTest {
  private static final ValueLayout.OfShort SHORT_LE =
      ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  private static final Kernels SCALAR = new ScalarKernels();
  private static final Kernels VECTOR = new VectorKernels();
  private final SplittableRandom random = new SplittableRandom(7);

  @RepeatedTest(12)
  void bf16RowsMatchTheScalarTwinAndTheirOneRowSelves() {
    int n = 1 + random.nextInt(1400); // with and without a scalar tail
    int outDim = 1 + random.nextInt(40); // several 8-row decoded blocks, 4-row fused groups
    int rows = 2 + random.nextInt(10); // four-row tiles and leftover rows
    int from = random.nextInt(outDim);
    int to = from + 1 + random.nextInt(outDim - from);
    int skew = random.nextInt(3); // mapped weights need not be aligned
    MemorySegment w = randomBf16(outDim * n, skew);
    float[] x = new float[rows * n];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) random.nextDouble(-1, 1);
    }
    float[] scratch = new float[Kernels.SCRATCH_ROWS * n];
    float[] expected = new float[rows * outDim];
    float[] actual = new float[rows * outDim];
    SCALAR.matmulBlock(DType.BF16, w, n, from, to, x, rows, expected, outDim, scratch);
    VECTOR.matmulBlock(DType.BF16, w, n, from, to, x, rows, actual, outDim, scratch);
    for (int r = 0; r < rows; r++) {
      float[] alone = new float[outDim];
      float[] row = new float[n];
      System.arraycopy(x, r * n, row, 0, n);
      VECTOR.matmulBlock(DType.BF16, w, n, from, to, row, 1, alone, outDim, scratch);
      for (int j = 0; j < outDim; j++) {
        float value = actual[r * outDim + j];
        String where =
            "n=" + n + " rows=" + rows + " [" + from + ", " + to + ") r=" + r + " j=" + j;
        assertThat(value).as(where).isCloseTo(expected[r * outDim + j], within(3e-5f * n + 1e-5f));
        assertThat(Float.floatToRawIntBits(value))
            .as("bit for bit as a one-row call, " + where)
            .isEqualTo(Float.floatToRawIntBits(alone[j]));
        if (j < from || j >= to) {
          assertThat(value).as("outside the block, " + where).isZero();
        }
      }
    }
  }

  private MemorySegment randomBf16(int elements, int skew) {
    MemorySegment all = MemorySegment.ofArray(new byte[skew + 2 * elements]);
    MemorySegment data = all.asSlice(skew, 2L * elements);
    for (int i = 0; i < elements; i++) {
      float f = (float) random.nextGaussian() * 3;
      data.set(SHORT_LE, 2L * i, (short) (Float.floatToRawIntBits(f) >>> 16));
    }
    return data;
  }
}
