package dev.inference.nemotron.operator.sizing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GpuClassTest {

  @Test
  void parsesEverySpecNameOfTheApiCaseInsensitively() {
    for (String name :
        new String[] {
          "H100", "H200", "B200", "GB200", "A100-80GB", "A100-40GB", "L40S", "L4", "CPU"
        }) {
      assertThat(GpuClass.fromSpecName(name.toLowerCase())).as(name).isPresent();
    }
    assertThat(GpuClass.fromSpecName("V100")).isEmpty();
  }

  @Test
  void everyAcceleratorSelectsNodesByAtLeastOneGpuFeatureDiscoveryProductLabel() {
    for (GpuClass gpuClass : GpuClass.values()) {
      if (gpuClass.isAccelerator()) {
        assertThat(gpuClass.productLabels()).as(gpuClass.specName()).isNotEmpty();
        assertThat(gpuClass.productLabels()).allMatch(label -> label.startsWith("NVIDIA-"));
        assertThat(gpuClass.memoryBytes()).isPositive();
      }
    }
    assertThat(GpuClass.CPU.productLabels()).isEmpty();
  }

  @Test
  void ampereAndTheCpuBackendLackFp8() {
    assertThat(GpuClass.CPU.supportsFp8()).isFalse();
    assertThat(GpuClass.A100_80GB.supportsFp8()).isFalse();
    assertThat(GpuClass.A100_40GB.supportsFp8()).isFalse();
    assertThat(GpuClass.H100.supportsFp8()).isTrue();
    assertThat(GpuClass.L4.supportsFp8()).isTrue();
  }
}
