package dev.inference.nemotron.pod.engine.cuda;

import java.util.List;
import jcuda.NativePointerObject;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;

/**
 * A kernel's arguments checked against {@link CudaKernel#args()} before they are packed for {@code
 * cuLaunchKernel}: a wrong count or a Java type that does not match the PTX parameter would
 * otherwise read garbage on the device. Pointers are {@link CUdeviceptr}s; ints, longs, floats and
 * doubles are boxed Java values.
 */
final class KernelArgs {
  private KernelArgs() {}

  /** The argument kind a Java value is passed as, or null for a value no kernel takes. */
  static CudaKernel.Arg kindOf(Object value) {
    return switch (value) {
      case CUdeviceptr p -> CudaKernel.Arg.PTR;
      case Integer i -> CudaKernel.Arg.I32;
      case Long l -> CudaKernel.Arg.I64;
      case Float f -> CudaKernel.Arg.F32;
      case Double d -> CudaKernel.Arg.F64;
      default -> null;
    };
  }

  /**
   * Checks the values against the kernel's signature.
   *
   * @throws IllegalArgumentException naming the kernel and the first mismatch
   */
  static void check(CudaKernel kernel, Object... values) {
    List<CudaKernel.Arg> expected = kernel.args();
    if (values.length != expected.size()) {
      throw new IllegalArgumentException(
          kernel.entry()
              + " takes "
              + expected.size()
              + " arguments "
              + expected
              + ", got "
              + values.length);
    }
    for (int i = 0; i < values.length; i++) {
      CudaKernel.Arg kind = kindOf(values[i]);
      if (kind != expected.get(i)) {
        throw new IllegalArgumentException(
            kernel.entry()
                + " argument "
                + i
                + " must be "
                + expected.get(i)
                + ", got "
                + (values[i] == null ? "null" : values[i].getClass().getSimpleName()));
      }
    }
  }

  /** The {@code void**} kernelParams of cuLaunchKernel for checked values. */
  static Pointer pack(CudaKernel kernel, Object... values) {
    check(kernel, values);
    NativePointerObject[] params = new NativePointerObject[values.length];
    for (int i = 0; i < values.length; i++) {
      params[i] =
          switch (values[i]) {
            case CUdeviceptr p -> Pointer.to(p);
            case Integer v -> Pointer.to(new int[] {v});
            case Long v -> Pointer.to(new long[] {v});
            case Float v -> Pointer.to(new float[] {v});
            case Double v -> Pointer.to(new double[] {v});
            default -> throw new AssertionError("checked above");
          };
    }
    return Pointer.to(params);
  }
}
