package dev.inference.nemotron.pod.engine.cuda;

import dev.inference.nemotron.pod.model.DType;
import dev.inference.nemotron.pod.model.Quantization;
import dev.inference.nemotron.pod.model.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUevent;
import jcuda.driver.CUevent_flags;
import jcuda.driver.JCudaDriver;

/**
 * Copies tensors from the memory-mapped checkpoint to the device through two pinned staging buffers
 * used in turn: the file's pages are copied into one (native to native, never through the Java
 * heap) while the other's asynchronous host-to-device copy runs. F16 is widened to F32 while
 * staged; BF16 and F32 go as they are, and so do a quantized tensor's codes and scales (the CPU
 * engine's layout, which the GEMV and dequantization kernels read directly).
 */
final class WeightUploader implements AutoCloseable {
  /** Bytes per staging buffer. */
  static final long CHUNK = 32L << 20;

  private static final ValueLayout.OfShort SHORT_LE =
      ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  private static final ValueLayout.OfFloat FLOAT_LE =
      ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

  private final CudaRuntime cuda;
  private final Pointer[] pinned = {new Pointer(), new Pointer()};
  private final MemorySegment[] staging = new MemorySegment[2];
  private final CUevent[] done = {new CUevent(), new CUevent()};
  private final boolean[] inFlight = new boolean[2];
  private int next;
  private long uploadedBytes;

  WeightUploader(CudaRuntime cuda) {
    this.cuda = cuda;
    for (int i = 0; i < 2; i++) {
      JCudaDriver.cuMemAllocHost(pinned[i], CHUNK);
      staging[i] = MemorySegment.ofBuffer(pinned[i].getByteBuffer(0, CHUNK));
      JCudaDriver.cuEventCreate(done[i], CUevent_flags.CU_EVENT_DISABLE_TIMING);
    }
  }

  /**
   * Uploads a 2-D tensor into a new allocation: a quantized one as its codes and its scales, both
   * byte for byte as stored (mapped file or load-time quantization arena, never the Java heap).
   */
  DeviceMatrix matrix(Tensor t) {
    DeviceMatrix.Format format = DeviceMatrix.formatOf(t);
    CUdeviceptr target = cuda.allocate(format.bytes(t.dim(0), t.dim(1)));
    if (!t.isQuantized()) {
      if (t.dtype() == DType.F16) {
        widen(t, target);
      } else {
        copy(t.data(), target);
      }
      return new DeviceMatrix(target, format, t.rows(), t.columns());
    }
    copy(t.data(), target);
    Quantization q = t.quantization();
    Tensor s = q.scales();
    DeviceMatrix.ScaleType type = DeviceMatrix.ScaleType.of(s.dtype());
    CUdeviceptr scales = cuda.allocate(s.elementCount() * type.bytes());
    copy(s.data(), scales);
    return new DeviceMatrix(
        target,
        format,
        t.rows(),
        t.columns(),
        new DeviceMatrix.Scales(scales, type, q.blockSize(), q.scaleRowStride(), s.elementCount()));
  }

  /** Uploads any tensor as fp32 (norm vectors, adapter matrices): small, exactness first. */
  CUdeviceptr floats(Tensor t) {
    CUdeviceptr target = cuda.allocate(t.elementCount() * Float.BYTES);
    if (t.dtype() == DType.F32) {
      copy(t.data(), target);
    } else {
      widen(t, target);
    }
    return target;
  }

  /** Bytes copied to the device so far. */
  long uploadedBytes() {
    return uploadedBytes;
  }

  /** Bytes as they are, through the staging buffers. */
  private void copy(MemorySegment data, CUdeviceptr target) {
    long size = data.byteSize();
    for (long offset = 0; offset < size; offset += CHUNK) {
      long n = Math.min(CHUNK, size - offset);
      int b = acquire();
      MemorySegment.copy(data, offset, staging[b], 0, n);
      send(b, target.withByteOffset(offset), n);
    }
  }

  /** Decodes BF16/F16/F32 elements to fp32 in the staging buffer, chunk by chunk. */
  private void widen(Tensor t, CUdeviceptr target) {
    long count = t.elementCount();
    long perChunk = CHUNK / Float.BYTES;
    MemorySegment data = t.data();
    for (long first = 0; first < count; first += perChunk) {
      long n = Math.min(perChunk, count - first);
      int b = acquire();
      MemorySegment s = staging[b];
      for (long i = 0; i < n; i++) {
        float v =
            switch (t.dtype()) {
              case BF16 -> Float.intBitsToFloat(data.get(SHORT_LE, (first + i) * 2) << 16);
              case F16 -> Float.float16ToFloat(data.get(SHORT_LE, (first + i) * 2));
              case F32 -> data.get(FLOAT_LE, (first + i) * 4);
              // quantized codes are uploaded as stored, never widened
              case I8, U8, F8_E4M3 ->
                  throw new IllegalArgumentException(
                      "tensor " + t.name() + " is quantized (" + t.dtype() + "): not widened");
            };
        s.set(FLOAT_LE, i * 4, v);
      }
      send(b, target.withByteOffset(first * Float.BYTES), n * Float.BYTES);
    }
  }

  /** The next staging buffer, once its previous copy has finished. */
  private int acquire() {
    int b = next;
    next = 1 - next;
    if (inFlight[b]) {
      JCudaDriver.cuEventSynchronize(done[b]);
      inFlight[b] = false;
    }
    return b;
  }

  private void send(int b, CUdeviceptr target, long bytes) {
    JCudaDriver.cuMemcpyHtoDAsync(target, pinned[b], bytes, cuda.stream());
    JCudaDriver.cuEventRecord(done[b], cuda.stream());
    inFlight[b] = true;
    uploadedBytes += bytes;
  }

  @Override
  public void close() {
    cuda.synchronize();
    for (int i = 0; i < 2; i++) {
      JCudaDriver.cuEventDestroy(done[i]);
      JCudaDriver.cuMemFreeHost(pinned[i]);
    }
  }
}
