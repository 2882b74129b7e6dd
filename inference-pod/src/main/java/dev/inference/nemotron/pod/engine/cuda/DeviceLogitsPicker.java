package dev.inference.nemotron.pod.engine.cuda;

import dev.inference.nemotron.pod.engine.TokenRule;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.IntBuffer;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.JCudaDriver;

/**
 * Picks tokens from logit rows that stay in device memory, with the {@code sampling.cu} kernels:
 * the rows' indices and draws go up, one launch picks every row ({@code ndd_argmax} at temperature
 * 0, else {@code ndd_sample}), and 8 bytes per row come back (the id and its confidence) instead of
 * the row's {@code 4 * vocab}. The copies go through pinned host memory on the forward's stream, so
 * they are ordered with the kernels. Also holds the buffer late logit rows are computed into, apart
 * from the forward's own logits, which other sequences of the batch still pick from.
 *
 * <p>Callers hold the forward pass's lock (one stream, one set of buffers).
 */
final class DeviceLogitsPicker implements AutoCloseable {
  private final CudaRuntime cuda;
  private final int vocab;
  private Pointer host; // pinned: [rows m][draws m] up, [ids m][confidences m] down
  private ByteBuffer hostBytes;
  private CUdeviceptr in; // [rows m][draws m]
  private CUdeviceptr out; // [ids m][confidences m]
  private int capacity; // m the buffers hold
  private CUdeviceptr late; // [lateCapacity, vocab]
  private int lateCapacity;

  /** Ids picked from rows (-1 for a row holding a NaN or infinite logit) and their confidences. */
  record Picked(int[] ids, float[] confidences) {}

  /**
   * Vocabularies the kernels pick from exactly must stay below this: they count a row's kept tokens
   * in fp32, which holds every integer below 2^24.
   */
  static final int MAX_VOCAB = 1 << 24;

  DeviceLogitsPicker(CudaRuntime cuda, int vocab) {
    geometry(1, vocab);
    this.cuda = cuda;
    this.vocab = vocab;
  }

  /**
   * The launch of a pick over {@code rows} rows of a {@code vocab}-wide logit matrix: one block of
   * {@link LaunchGeometry#PICK_THREADS} threads per row.
   *
   * @throws IllegalArgumentException for a vocabulary the kernels cannot count exactly
   */
  static LaunchGeometry geometry(int rows, int vocab) {
    if (vocab < 1 || vocab >= MAX_VOCAB) {
      throw new IllegalArgumentException(
          "the sampling kernels take vocabularies of 1 to 2^24 - 1 ids, got " + vocab);
    }
    return LaunchGeometry.pick(rows);
  }

  /**
   * The ids {@code [from, to)} thread {@code thread} of {@code ndd_sample} walks in its inverse CDF
   * (each thread a contiguous slice, in id order; empty for threads past the vocabulary's end).
   */
  static int[] sampleSlice(int thread, int vocab, int threads) {
    int per = (vocab + threads - 1) / threads;
    int from = thread * per;
    return new int[] {from, Math.max(from, Math.min(vocab, from + per))};
  }

  /** Bytes one pick of {@code rows} rows copies back: an id and a confidence per row. */
  static long bytesBack(int rows) {
    return 2L * rows * Integer.BYTES;
  }

  /**
   * One token per row {@code rowIndices[k]} of the {@code [*, vocab]} fp32 matrix at {@code
   * logits}, by {@code rule} with the draw {@code uniforms[k]}.
   */
  Picked pick(CUdeviceptr logits, int[] rowIndices, TokenRule rule, double[] uniforms) {
    int m = rowIndices.length;
    if (m == 0) {
      return new Picked(new int[0], new float[0]);
    }
    ensure(m);
    IntBuffer ints = hostBytes.asIntBuffer();
    for (int k = 0; k < m; k++) {
      ints.put(k, rowIndices[k]);
      ints.put(m + k, Float.floatToRawIntBits(deviceDraw(uniforms[k])));
    }
    long half = 2L * m * Integer.BYTES;
    JCudaDriver.cuMemcpyHtoDAsync(in, host, half, cuda.stream());
    CUdeviceptr rows = in;
    CUdeviceptr draws = in.withByteOffset((long) m * Integer.BYTES);
    CUdeviceptr ids = out;
    CUdeviceptr confidences = out.withByteOffset((long) m * Integer.BYTES);
    int excluded = rule.excludedToken() < vocab ? rule.excludedToken() : -1;
    if (rule.temperature() == 0) {
      cuda.launch(
          CudaKernel.ARGMAX, geometry(m, vocab), logits, rows, vocab, excluded, ids, confidences);
    } else {
      cuda.launch(
          CudaKernel.SAMPLE,
          geometry(m, vocab),
          logits,
          rows,
          vocab,
          excluded,
          deviceTemperature(rule.temperature()),
          rule.topK(),
          (float) rule.topP(),
          draws,
          ids,
          confidences);
    }
    JCudaDriver.cuMemcpyDtoHAsync(host.withByteOffset(half), out, half, cuda.stream());
    cuda.synchronize();
    int[] picked = new int[m];
    float[] confidence = new float[m];
    for (int k = 0; k < m; k++) {
      picked[k] = ints.get(2 * m + k);
      confidence[k] = Float.intBitsToFloat(ints.get(3 * m + k));
    }
    return new Picked(picked, confidence);
  }

  /** A {@code [rows, vocab]} fp32 buffer for late logit rows (grown, never shrunk). */
  CUdeviceptr lateLogits(int rows) {
    if (rows > lateCapacity) {
      if (late != null) {
        cuda.free(late);
      }
      lateCapacity = Math.max(rows, 2 * lateCapacity);
      late = cuda.allocate((long) lateCapacity * vocab * Float.BYTES);
    }
    return late;
  }

  /**
   * The draw as the kernel's fp32 uniform: rounding to float must not reach 1 (the kernel's target
   * would then lie past every kept token), so it stays below.
   */
  static float deviceDraw(double uniform) {
    return Math.min((float) uniform, Math.nextDown(1f));
  }

  /** The temperature as fp32, kept above 0 so that the kernel never divides by zero. */
  static float deviceTemperature(double temperature) {
    return Math.max((float) temperature, Float.MIN_NORMAL);
  }

  private void ensure(int m) {
    if (m <= capacity) {
      return;
    }
    freeBuffers();
    capacity = Math.max(m, 2 * capacity);
    long bytes = 2L * capacity * Integer.BYTES;
    in = cuda.allocate(bytes);
    out = cuda.allocate(bytes);
    host = new Pointer();
    JCudaDriver.cuMemAllocHost(host, 2 * bytes);
    hostBytes = host.getByteBuffer(0, 2 * bytes).order(ByteOrder.nativeOrder());
  }

  private void freeBuffers() {
    if (in != null) {
      cuda.free(in);
      cuda.free(out);
      JCudaDriver.cuMemFreeHost(host);
      in = null;
    }
  }

  @Override
  public void close() {
    freeBuffers();
    if (late != null) {
      cuda.free(late);
      late = null;
    }
  }
}
