package dev.inference.nemotron.pod.engine.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.inference.nemotron.pod.model.DType;
import dev.inference.nemotron.pod.model.QuantFormat;
import dev.inference.nemotron.pod.model.Quantization;
import dev.inference.nemotron.pod.model.Tensor;
import dev.inference.nemotron.pod.model.WeightQuantizer;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The native matmuls against the Java kernels, bit for bit: random widths (most not a multiple of
 * the vector), random row ranges, 1..33 input rows, weights and scales at odd byte offsets on the
 * heap and off it. Skipped, with the reason, where the library cannot run (no gcc at build time, a
 * CPU without the instruction set); where it was built and the CPU has it, it must have loaded.
 */
class NativeKernelsTest {
  private static final ValueLayout.OfFloat FLOAT_LE =
      ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  private static final ValueLayout.OfShort SHORT_LE =
      ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  private final Random random = new Random(11);

  private static NativeLibrary library() {
    NativeLibrary.Status status = NativeLibrary.status();
    assumeTrue(status.library().isPresent(), () -> "native kernels not here: " + status.reason());
    return status.library().orElseThrow();
  }

  @Test
  void libraryLoadsWhereItWasBuiltAndTheCpuRunsIt() {
    CpuFeatures cpu = CpuFeatures.ofThisMachine();
    boolean built = NativeLibrary.class.getClassLoader().getResource("native/index.txt") != null;
    boolean runnable = cpu.levelFor(VectorKernels.lanes()).isPresent();
    assumeTrue(
        built && runnable,
        () -> "not built here (no gcc?) or this CPU lacks the level: " + NativeLibrary.status());
    NativeLibrary.Status status = NativeLibrary.status();
    assertThat(status.library()).as(status.reason()).isPresent();
    assertThat(status.library().orElseThrow().level().lanes()).isEqualTo(VectorKernels.lanes());
    assertThat(Kernels.named("native").name())
        .isEqualTo("native-" + cpu.levelFor(VectorKernels.lanes()).orElseThrow().id());
    assertThat(Kernels.named("auto")).isInstanceOf(NativeKernels.class);
  }

  @Test
  void avx512LibraryRunsOnlyWhereTheCpuAndTheJavaKernelsAreAvx512() {
    CpuFeatures cpu = CpuFeatures.ofThisMachine();
    assumeTrue(
        cpu.supports(CpuFeatures.Level.AVX512) && VectorKernels.lanes() == 16,
        () ->
            "the AVX-512 library is built but cannot be checked here: the CPU lacks "
                + cpu.missing(CpuFeatures.Level.AVX512)
                + " or the Java kernels use "
                + VectorKernels.lanes()
                + " floats");
    assertThat(library().level()).isEqualTo(CpuFeatures.Level.AVX512);
  }

  @Test
  void aCpuWithoutTheFlagsGetsNoLibraryAndSaysWhichFlagsAreMissing() {
    CpuFeatures old = CpuFeatures.parse("flags\t: fpu sse sse2 avx\n", "test");
    NativeLibrary.Status status = NativeLibrary.load(old, 8);
    assertThat(status.library()).isEmpty();
    assertThat(status.reason()).contains("avx2").contains("fma").contains("f16c");
  }

  @ParameterizedTest
  @ValueSource(strings = {"BF16", "F32"})
  void floatMatmulEqualsVectorKernelsBitForBit(String name) {
    NativeKernels nat = new NativeKernels(library());
    VectorKernels vector = new VectorKernels();
    DType dtype = DType.valueOf(name);
    try (Arena arena = Arena.ofConfined()) {
      for (int trial = 0; trial < 120; trial++) {
        int n = trial % 10 == 0 ? 2048 + random.nextInt(20) : 1 + random.nextInt(300);
        int outDim = 1 + random.nextInt(40);
        int rows = 1 + random.nextInt(33);
        int from = random.nextInt(outDim);
        int to = from + 1 + random.nextInt(outDim - from);
        MemorySegment w = storage(dtype, (long) outDim * n, arena);
        float[] x = gaussian(rows * n);
        float[] expected = gaussian(rows * outDim); // the same stale values outside the range
        float[] actual = expected.clone();
        vector.matmulBlock(
            dtype, w, n, from, to, x, rows, expected, outDim, new float[Kernels.SCRATCH_ROWS * n]);
        assertThat(nat.matmulNative(dtype, w, n, from, to, x, rows, actual, outDim))
            .as("the library ran")
            .isZero();
        String what = "%s n=%d rows=%d [%d, %d) of %d".formatted(dtype, n, rows, from, to, outDim);
        assertArrayEquals(bits(expected), bits(actual), what);
        for (int r = 0; r < rows; r++) {
          float[] single = new float[outDim];
          nat.matmulNative(
              dtype, w, n, from, to, Arrays.copyOfRange(x, r * n, (r + 1) * n), 1, single, outDim);
          for (int j = from; j < to; j++) {
            assertThat(Float.floatToIntBits(single[j]))
                .as("input row %d alone, output %d: %s", r, j, what)
                .isEqualTo(Float.floatToIntBits(actual[r * outDim + j]));
          }
        }
      }
    }
  }

  @ParameterizedTest
  @EnumSource(QuantFormat.class)
  void quantizedMatmulEqualsVectorKernelsBitForBit(QuantFormat format) {
    NativeQuantizedKernels nat = new NativeQuantizedKernels(library());
    VectorQuantizedKernels vector = new VectorQuantizedKernels();
    try (Arena arena = Arena.ofShared()) {
      for (int trial = 0; trial < 80; trial++) {
        Tensor w = randomWeight(format, arena);
        int outDim = w.rows();
        int n = w.columns();
        int rows = 1 + random.nextInt(33);
        int from = random.nextInt(outDim);
        int to = from + 1 + random.nextInt(outDim - from);
        float[] x = gaussian(rows * n);
        float[] expected = gaussian(rows * outDim);
        float[] actual = expected.clone();
        vector.matmulBlock(
            w, from, to, x, rows, expected, outDim, new float[Kernels.SCRATCH_ROWS * n]);
        assertThat(nat.matmulNative(w, from, to, x, rows, actual, outDim))
            .as("the library ran")
            .isZero();
        String what =
            "%s scales %s n=%d rows=%d [%d, %d) of %d"
                .formatted(w, w.quantization().scales().dtype(), n, rows, from, to, outDim);
        assertArrayEquals(bits(expected), bits(actual), what);
        if (rows > 1) {
          float[] single = new float[outDim];
          int r = random.nextInt(rows);
          nat.matmulNative(
              w, from, to, Arrays.copyOfRange(x, r * n, (r + 1) * n), 1, single, outDim);
          for (int j = from; j < to; j++) {
            assertThat(Float.floatToIntBits(single[j]))
                .as("input row %d alone, output %d: %s", r, j, what)
                .isEqualTo(Float.floatToIntBits(actual[r * outDim + j]));
          }
        }
      }
    }
  }

  @Test
  void matmulGoesThroughTheLibraryInAForwardSizedCall() {
    // A 1.5B-shaped projection slice, 1 and 8 rows: the kernels' blocking (8 weight rows per pass,
    // panels of 3 x 4 tiles) runs at full size against the Vector API kernels.
    NativeKernels nat = new NativeKernels(library());
    VectorKernels vector = new VectorKernels();
    int n = 8192;
    int outDim = 64;
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment w = storage(DType.BF16, (long) outDim * n, arena);
      for (int rows : new int[] {1, 8}) {
        float[] x = gaussian(rows * n);
        float[] expected = new float[rows * outDim];
        float[] actual = new float[rows * outDim];
        vector.matmulBlock(
            DType.BF16, w, n, 0, outDim, x, rows, expected, outDim, new float[8 * n]);
        nat.matmulBlock(DType.BF16, w, n, 0, outDim, x, rows, actual, outDim, new float[8 * n]);
        assertArrayEquals(bits(expected), bits(actual), rows + " rows");
      }
    }
  }

  /**
   * {@code count} random values in {@code dtype} at an odd byte offset, on the heap or off it
   * (mapped checkpoint data is off-heap and need not be aligned).
   */
  private MemorySegment storage(DType dtype, long count, Arena arena) {
    int skew = 1 + random.nextInt(7);
    long bytes = count * dtype.bytes();
    MemorySegment segment =
        random.nextBoolean()
            ? MemorySegment.ofArray(new byte[(int) (bytes + skew)]).asSlice(skew, bytes)
            : arena.allocate(bytes + skew).asSlice(skew, bytes);
    for (long i = 0; i < count; i++) {
      float v = (float) random.nextGaussian() * 0.05f;
      if (dtype == DType.BF16) {
        segment.set(SHORT_LE, 2 * i, (short) (Float.floatToRawIntBits(v) >>> 16));
      } else {
        segment.set(FLOAT_LE, 4 * i, v);
      }
    }
    return segment;
  }

  /**
   * A random quantized weight with codes and scales at odd offsets; scales as the quantizer writes
   * them (BF16 for int8/int4) or converted to F32 or F16; fp8 per channel or per tensor.
   */
  private Tensor randomWeight(QuantFormat format, Arena arena) {
    int out = 1 + random.nextInt(24);
    int block = random.nextBoolean() ? 32 : 64;
    int in =
        format.blockwise()
            ? block * (1 + random.nextInt(random.nextInt(10) == 0 ? 80 : 8))
            : 1 + random.nextInt(random.nextInt(10) == 0 ? 3000 : 300);
    float[] values = gaussian(out * in);
    Tensor quantized =
        WeightQuantizer.quantize(Tensor.ofFloats("w", values, out, in), format, block, arena);
    Quantization q = quantized.quantization();
    Tensor scales = q.scales();
    boolean perTensor = format == QuantFormat.FP8 && random.nextBoolean();
    long scaleCount = perTensor ? 1 : scales.elementCount();
    DType scaleType = DType.values()[random.nextInt(3)]; // BF16, F16 or F32
    MemorySegment scaleData = skewed(null, scaleCount * scaleType.bytes(), arena);
    for (long i = 0; i < scaleCount; i++) {
      float s = scales.get(i);
      switch (scaleType) {
        case BF16 -> scaleData.set(SHORT_LE, 2 * i, (short) (Float.floatToRawIntBits(s) >>> 16));
        case F16 -> scaleData.set(SHORT_LE, 2 * i, Float.floatToFloat16(s));
        default -> scaleData.set(FLOAT_LE, 4 * i, s);
      }
    }
    long[] scaleShape = perTensor ? new long[] {} : scales.shape();
    Tensor movedScales = new Tensor(scales.name(), scaleType, scaleShape, scaleData);
    MemorySegment codes = skewed(quantized.data(), quantized.data().byteSize(), arena);
    return new Tensor(
        "w",
        new long[] {out, in},
        codes,
        new Quantization(format, q.blockSize(), perTensor ? 0 : q.scaleRowStride(), movedScales));
  }

  /** {@code bytes} bytes at an odd offset, on or off the heap, holding {@code source} if given. */
  private MemorySegment skewed(MemorySegment source, long bytes, Arena arena) {
    int skew = 1 + random.nextInt(7);
    MemorySegment copy =
        random.nextBoolean()
            ? MemorySegment.ofArray(new byte[(int) bytes + skew]).asSlice(skew, bytes)
            : arena.allocate(bytes + skew).asSlice(skew, bytes);
    if (source != null && bytes > 0) {
      copy.copyFrom(source);
    }
    return copy;
  }

  private float[] gaussian(int n) {
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[i] = (float) random.nextGaussian();
    }
    return out;
  }

  private static int[] bits(float[] values) {
    int[] out = new int[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = Float.floatToIntBits(values[i]);
    }
    return out;
  }
}
