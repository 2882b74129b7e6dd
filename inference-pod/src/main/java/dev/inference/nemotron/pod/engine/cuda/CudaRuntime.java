package dev.inference.nemotron.pod.engine.cuda;

import dev.inference.nemotron.kernels.cuda.PtxLibrary;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import jcuda.Pointer;
import jcuda.Sizeof;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.CUstream;
import jcuda.driver.CUstream_flags;
import jcuda.driver.JCudaDriver;
import jcuda.jcublas.JCublas2;
import jcuda.jcublas.cublasHandle;
import jcuda.runtime.cudaStream_t;

/**
 * One device as the forward pass uses it: the primary context, one stream every launch and copy
 * goes to (so they run in order), the PTX modules of the device's architecture, a cuBLAS handle on
 * the same stream, and the allocations made (freed on {@link #close}).
 */
final class CudaRuntime implements AutoCloseable {
  private final DeviceProfile device;
  private final CUcontext context = new CUcontext();
  private final CUstream stream = new CUstream();
  private final cublasHandle cublas = new cublasHandle();
  private final Map<CudaKernel, CUfunction> functions = new EnumMap<>(CudaKernel.class);
  private final Map<CUdeviceptr, Long> allocations = new HashMap<>();
  private final int architecture;

  /** Opens device 0 (the probe must have found it usable). */
  CudaRuntime(DeviceProfile device, PtxLibrary ptx) {
    this.device = device;
    JCudaDriver.setExceptionsEnabled(true);
    JCublas2.setExceptionsEnabled(true);
    CUdevice dev = new CUdevice();
    JCudaDriver.cuDeviceGet(dev, 0);
    JCudaDriver.cuDevicePrimaryCtxRetain(context, dev);
    JCudaDriver.cuCtxSetCurrent(context);
    JCudaDriver.cuStreamCreate(stream, CUstream_flags.CU_STREAM_NON_BLOCKING);
    this.architecture = ptx.architectureFor(device.computeMajor(), device.computeMinor());
    Map<String, CUmodule> modules = new HashMap<>();
    for (String name : CudaKernel.modules()) {
      CUmodule module = new CUmodule();
      JCudaDriver.cuModuleLoadData(module, ptx.image(architecture, name));
      modules.put(name, module);
    }
    for (CudaKernel k : CudaKernel.values()) {
      CUfunction f = new CUfunction();
      JCudaDriver.cuModuleGetFunction(f, modules.get(k.module()), k.entry());
      functions.put(k, f);
    }
    JCublas2.cublasCreate(cublas);
    JCublas2.cublasSetStream(cublas, new cudaStream_t(stream));
  }

  DeviceProfile device() {
    return device;
  }

  int architecture() {
    return architecture;
  }

  cublasHandle cublas() {
    return cublas;
  }

  CUstream stream() {
    return stream;
  }

  /** Makes this context current on the calling thread (the serving threads change). */
  void bind() {
    JCudaDriver.cuCtxSetCurrent(context);
  }

  /** Launches a kernel on the stream after checking its arguments against its signature. */
  void launch(CudaKernel kernel, LaunchGeometry g, Object... args) {
    Pointer params = KernelArgs.pack(kernel, args);
    JCudaDriver.cuLaunchKernel(
        functions.get(kernel),
        Math.toIntExact(g.gridX()),
        g.gridY(),
        1,
        g.block(),
        1,
        1,
        0,
        stream,
        params,
        null);
  }

  /** Device memory of {@code bytes} (at least 1), 256-byte aligned. */
  CUdeviceptr allocate(long bytes) {
    CUdeviceptr p = new CUdeviceptr();
    JCudaDriver.cuMemAlloc(p, Math.max(1, bytes));
    allocations.put(p, bytes);
    return p;
  }

  void free(CUdeviceptr p) {
    if (allocations.remove(p) != null) {
      JCudaDriver.cuMemFree(p);
    }
  }

  /** Bytes allocated through this runtime. */
  long allocatedBytes() {
    return allocations.values().stream().mapToLong(Long::longValue).sum();
  }

  /**
   * Copies ints to the device, ordered on the stream: after every launch already queued (which may
   * still read the old values) and before every later one. Returns when the copy has landed, so the
   * host array may change right after. A plain {@code cuMemcpyHtoD} would not do: it runs on the
   * legacy default stream, which a non-blocking stream does not wait for, and returns once a
   * pageable source is staged, before the DMA reaches the device.
   */
  void upload(int[] values, CUdeviceptr target) {
    copyToDevice(Pointer.to(values), (long) values.length * Sizeof.INT, target);
  }

  /** {@link #upload(int[], CUdeviceptr)} for floats. */
  void upload(float[] values, CUdeviceptr target) {
    copyToDevice(Pointer.to(values), (long) values.length * Sizeof.FLOAT, target);
  }

  private void copyToDevice(Pointer source, long bytes, CUdeviceptr target) {
    if (bytes > 0) {
      JCudaDriver.cuMemcpyHtoDAsync(target, source, bytes, stream);
      JCudaDriver.cuStreamSynchronize(stream);
    }
  }

  /** Waits for the stream, then copies floats back. */
  void download(CUdeviceptr source, long byteOffset, float[] into) {
    synchronize();
    if (into.length > 0) {
      JCudaDriver.cuMemcpyDtoH(
          Pointer.to(into), source.withByteOffset(byteOffset), (long) into.length * Sizeof.FLOAT);
    }
  }

  void download(CUdeviceptr source, int[] into) {
    synchronize();
    if (into.length > 0) {
      JCudaDriver.cuMemcpyDtoH(Pointer.to(into), source, (long) into.length * Sizeof.INT);
    }
  }

  void synchronize() {
    JCudaDriver.cuStreamSynchronize(stream);
  }

  @Override
  public void close() {
    synchronize();
    for (CUdeviceptr p : allocations.keySet()) {
      JCudaDriver.cuMemFree(p);
    }
    allocations.clear();
    JCublas2.cublasDestroy(cublas);
    JCudaDriver.cuStreamDestroy(stream);
  }
}
