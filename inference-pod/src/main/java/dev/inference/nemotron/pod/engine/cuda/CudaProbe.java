package dev.inference.nemotron.pod.engine.cuda;

import dev.inference.nemotron.kernels.cuda.PtxLibrary;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import jcuda.CudaException;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUmodule;
import jcuda.driver.JCudaDriver;
import jcuda.jcublas.JCublas2;
import jcuda.jcublas.cublasHandle;

/**
 * Whether this process can run the CUDA backend, found out once: the PTX was built, JCuda finds a
 * driver ({@code libcuda.so.1}), there is a device of compute capability 8.0 or newer, the driver
 * loads our PTX, and cuBLAS 12 loads. JCuda throws {@code UnsatisfiedLinkError} at its first call
 * without a driver and {@code NoClassDefFoundError} at every later one, so the answer is
 * remembered.
 */
public final class CudaProbe {
  private static Result result;

  private CudaProbe() {}

  /**
   * The outcome: the device when usable, otherwise why not.
   *
   * @param device the first device, when the backend can run on it
   * @param reason why the backend cannot run (empty when it can)
   */
  public record Result(Optional<DeviceProfile> device, String reason) {
    /** Whether the CUDA backend can run. */
    public boolean usable() {
      return device.isPresent();
    }
  }

  /** Probes once per process; later calls return the first answer. */
  public static synchronized Result probe() {
    if (result == null) {
      result = probeNow();
    }
    return result;
  }

  private static Result probeNow() {
    PtxLibrary ptx = PtxLibrary.onClassPath();
    if (!ptx.available()) {
      return new Result(Optional.empty(), ptx.unavailableReason().orElseThrow());
    }
    try {
      JCudaDriver.setExceptionsEnabled(true);
      JCudaDriver.cuInit(0);
      int[] count = new int[1];
      JCudaDriver.cuDeviceGetCount(count);
      if (count[0] == 0) {
        return new Result(Optional.empty(), "the CUDA driver reports no device");
      }
      DeviceProfile device = describe(0);
      if (!device.supported()) {
        return new Result(
            Optional.empty(),
            device.name()
                + " has compute capability "
                + device.computeCapability()
                + "; the CUDA backend needs 8.0 (Ampere) or newer");
      }
      // nvcc 13 writes PTX ISA 9.0, which a driver older than CUDA 13 (R580) cannot load: try.
      int arch = ptx.architectureFor(device.computeMajor(), device.computeMinor());
      for (String name : CudaKernel.modules()) {
        CUmodule module = new CUmodule();
        try {
          JCudaDriver.cuModuleLoadData(module, ptx.image(arch, name));
        } catch (CudaException e) {
          return new Result(
              Optional.empty(),
              "the driver cannot load the sm_"
                  + arch
                  + " PTX module "
                  + name
                  + " ("
                  + firstLine(e.getMessage())
                  + "); the PTX is ISA 9.0 from nvcc 13 and needs a CUDA 13 driver (R580 or newer)");
        }
        JCudaDriver.cuModuleUnload(module);
      }
      try {
        cublasHandle handle = new cublasHandle();
        JCublas2.cublasCreate(handle);
        JCublas2.cublasDestroy(handle);
      } catch (LinkageError e) {
        return new Result(
            Optional.empty(),
            "cuBLAS 12 (libcublas.so.12) could not be loaded ("
                + firstLine(e.getMessage())
                + "); install the CUDA 12 cuBLAS runtime next to the driver");
      }
      return new Result(Optional.of(device), "");
    } catch (LinkageError e) {
      return new Result(
          Optional.empty(), "no CUDA driver could be loaded (" + firstLine(e.getMessage()) + ")");
    } catch (CudaException e) {
      return new Result(Optional.empty(), "the CUDA driver failed: " + firstLine(e.getMessage()));
    }
  }

  /** Name, memory and compute capability of device {@code ordinal} (the driver is initialized). */
  static DeviceProfile describe(int ordinal) {
    CUdevice device = new CUdevice();
    JCudaDriver.cuDeviceGet(device, ordinal);
    byte[] name = new byte[256];
    JCudaDriver.cuDeviceGetName(name, name.length, device);
    int end = 0;
    while (end < name.length && name[end] != 0) {
      end++;
    }
    String deviceName = new String(name, 0, end, StandardCharsets.US_ASCII);
    int[] major = new int[1];
    int[] minor = new int[1];
    JCudaDriver.cuDeviceGetAttribute(
        major, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, device);
    JCudaDriver.cuDeviceGetAttribute(
        minor, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, device);
    long[] free = new long[1];
    long[] total = new long[1];
    CUcontext context = new CUcontext();
    JCudaDriver.cuDevicePrimaryCtxRetain(context, device);
    JCudaDriver.cuCtxSetCurrent(context);
    JCudaDriver.cuMemGetInfo(free, total);
    return new DeviceProfile(
        deviceName, total[0], free[0], DeviceProfile.bandwidthOf(deviceName), major[0], minor[0]);
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "no message";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }
}
