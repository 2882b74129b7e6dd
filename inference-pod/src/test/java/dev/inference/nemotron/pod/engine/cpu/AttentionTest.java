package dev.inference.nemotron.pod.engine.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.RepeatedTest;

/**
 * The tiled online-softmax {@link Attention} against the two-pass attention it replaced ({@link
 * TwoPassAttention}: every score, then one softmax), on batches of sequences with caches that span
 * several tiles (F32 and BF16), random masks among chunk rows, and both kernel twins; and each
 * sequence's output bit for bit the same alone as in the batch.
 */
class AttentionTest {
  private static final int KV_HEADS = 2;
  private static final int HEAD_DIM = 24; // three vectors of 8 or one of 16, plus a tail
  private static final int KV_WIDTH = KV_HEADS * HEAD_DIM;
  private final SplittableRandom random = new SplittableRandom(11);
  private int heads;
  private int queryWidth;

  @org.junit.jupiter.api.Test
  void theNativeKernelsRunTheVectorApisGroupedAttention() {
    NativeLibrary.Status status = NativeLibrary.status();
    org.junit.jupiter.api.Assumptions.assumeTrue(
        status.library().isPresent(), () -> "no native kernels here: " + status.reason());
    // The native kernels replace the matmuls only: attention must be the Vector API's grouped
    // pass, bit for bit (it once fell back to the head-by-head path, 1.4x slower at 8,192 keys).
    heads = KV_HEADS * 4;
    queryWidth = heads * HEAD_DIM;
    WorkerPool pool = WorkerPool.shared(2);
    int past = 3 * Attention.TILE + 7;
    Attention.Segment[] segments = {segment(0, 3, past, false)};
    float[] q = randoms(3 * queryWidth, 2);
    float[] k = randoms(3 * KV_WIDTH, 2);
    float[] v = randoms(3 * KV_WIDTH, 1);
    float[] vector = new float[3 * queryWidth];
    float[] nativeOut = new float[3 * queryWidth];
    new Attention(heads, KV_HEADS, HEAD_DIM, new VectorKernels(), pool)
        .apply(q, k, v, segments, 3, vector);
    new Attention(heads, KV_HEADS, HEAD_DIM, Kernels.named("native"), pool)
        .apply(q, k, v, segments, 3, nativeOut);
    for (int i = 0; i < vector.length; i++) {
      assertThat(Float.floatToRawIntBits(nativeOut[i]))
          .as("element %d", i)
          .isEqualTo(Float.floatToRawIntBits(vector[i]));
    }
  }

  @RepeatedTest(8)
  void onlineSoftmaxMatchesTwoPassAttentionAndIgnoresTheBatch() {
    // Groups of 4 run as one pass of the vector kernels, others (and the rest of 5) head by head.
    heads = KV_HEADS * new int[] {1, 3, 4, 5}[random.nextInt(4)];
    queryWidth = heads * HEAD_DIM;
    boolean bf16 = random.nextBoolean();
    Kernels kernels = random.nextBoolean() ? new VectorKernels() : new ScalarKernels();
    WorkerPool pool = WorkerPool.shared(2);
    int sequences = 1 + random.nextInt(3);
    Attention.Segment[] segments = new Attention.Segment[sequences];
    int n = 0;
    for (int s = 0; s < sequences; s++) {
      int rows = 1 + random.nextInt(5);
      int past = random.nextInt(3 * Attention.TILE + 10);
      segments[s] = segment(n, rows, past, bf16);
      n += rows;
    }
    float[] q = randoms(n * queryWidth, 2);
    float[] k = randoms(n * KV_WIDTH, 2);
    float[] v = randoms(n * KV_WIDTH, 1);
    float[] expected = new float[n * queryWidth];
    float[] actual = new float[n * queryWidth];
    new TwoPassAttention(heads, KV_HEADS, HEAD_DIM, kernels, pool)
        .apply(q, k, v, segments, n, expected);
    Attention attention = new Attention(heads, KV_HEADS, HEAD_DIM, kernels, pool);
    attention.apply(q, k, v, segments, n, actual);
    for (int i = 0; i < expected.length; i++) {
      assertThat(actual[i])
          .as("element %d (%s cache, %d heads)", i, bf16 ? "BF16" : "F32", heads)
          .isCloseTo(expected[i], org.assertj.core.data.Offset.offset(2e-5f));
    }
    for (Attention.Segment seg : segments) {
      int rows = seg.rows();
      Attention.Segment alone =
          new Attention.Segment(
              0,
              rows,
              seg.visible(),
              seg.cacheK(),
              seg.cacheV(),
              seg.cacheK16(),
              seg.cacheV16(),
              seg.past());
      float[] out = new float[rows * queryWidth];
      attention.apply(
          slice(q, seg.rowStart(), rows, queryWidth),
          slice(k, seg.rowStart(), rows, KV_WIDTH),
          slice(v, seg.rowStart(), rows, KV_WIDTH),
          new Attention.Segment[] {alone},
          rows,
          out);
      for (int i = 0; i < out.length; i++) {
        assertThat(Float.floatToRawIntBits(out[i]))
            .as("row element %d alone vs in the batch", i)
            .isEqualTo(Float.floatToRawIntBits(actual[seg.rowStart() * queryWidth + i]));
      }
    }
  }

  private Attention.Segment segment(int rowStart, int rows, int past, boolean bf16) {
    boolean[][] visible = new boolean[rows][rows];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < rows; j++) {
        // Some rows see nothing of the chunk; with no cache either, their output is zero.
        visible[i][j] = random.nextInt(3) > 0;
      }
    }
    float[] keys = randoms(past * KV_WIDTH, 2);
    float[] values = randoms(past * KV_WIDTH, 1);
    if (!bf16) {
      return new Attention.Segment(rowStart, rows, visible, keys, values, null, null, past);
    }
    short[] keys16 = new short[keys.length];
    short[] values16 = new short[values.length];
    for (int i = 0; i < keys.length; i++) {
      keys16[i] = Bf16.fromFloat(keys[i]);
      values16[i] = Bf16.fromFloat(values[i]);
    }
    return new Attention.Segment(rowStart, rows, visible, null, null, keys16, values16, past);
  }

  private float[] randoms(int count, double scale) {
    float[] out = new float[count];
    for (int i = 0; i < count; i++) {
      out[i] = (float) (random.nextDouble(-1, 1) * scale);
    }
    return out;
  }

  private static float[] slice(float[] all, int rowStart, int rows, int width) {
    float[] out = new float[rows * width];
    System.arraycopy(all, rowStart * width, out, 0, rows * width);
    return out;
  }
}
