package dev.inference.nemotron.pod.engine.cuda;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jcuda.driver.CUdeviceptr;
import org.junit.jupiter.api.Test;

/** A launch whose arguments do not match the kernel's signature fails on the host, by name. */
class KernelArgsTest {
  private final CUdeviceptr p = new CUdeviceptr();

  @Test
  void matchingArgumentsPass() {
    assertThatCode(() -> KernelArgs.check(CudaKernel.SWIGLU, p, p, 10L)).doesNotThrowAnyException();
    assertThatCode(() -> KernelArgs.check(CudaKernel.RMSNORM, p, p, p, 64, 1e-5))
        .doesNotThrowAnyException();
  }

  @Test
  void anIntWhereTheKernelTakesALongIsRefused() {
    assertThatThrownBy(() -> KernelArgs.check(CudaKernel.SWIGLU, p, p, 10))
        .hasMessageContaining("ndd_swiglu argument 2 must be I64, got Integer");
  }

  @Test
  void aFloatEpsilonWhereTheKernelTakesADoubleIsRefused() {
    assertThatThrownBy(() -> KernelArgs.check(CudaKernel.RMSNORM, p, p, p, 64, 1e-5f))
        .hasMessageContaining("argument 4 must be F64");
  }

  @Test
  void aMissingArgumentIsRefused() {
    assertThatThrownBy(() -> KernelArgs.check(CudaKernel.ADD, p, p))
        .hasMessageContaining("ndd_add takes 3 arguments");
  }
}
