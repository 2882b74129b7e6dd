package dev.inference.nemotron.pod.engine.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Reading the CPU's flags and the native level they allow. */
class CpuFeaturesTest {
  private static final String ZEN3 =
      """
      processor\t: 0
      vendor_id\t: AuthenticAMD
      model name\t: AMD EPYC
      flags\t\t: fpu sse sse2 avx fma f16c avx2 bmi2 vaes
      bogomips\t: 4890.85

      processor\t: 1
      flags\t\t: fpu sse sse2 avx fma f16c avx2 bmi2 vaes
      """;

  @Test
  void anAvx2CpuRunsThe8FloatLevelOnly() {
    CpuFeatures cpu = CpuFeatures.parse(ZEN3, "zen3");
    assertThat(cpu.has("avx2")).isTrue();
    assertThat(cpu.has("avx512f")).isFalse();
    assertThat(cpu.levelFor(8)).contains(CpuFeatures.Level.AVX2);
    assertThat(cpu.levelFor(16)).isEmpty();
    assertThat(cpu.missing(CpuFeatures.Level.AVX512))
        .containsExactly("avx512f", "avx512bw", "avx512vl", "avx512dq");
  }

  @Test
  void anAvx512CpuRunsBothLevelsAndTheJavaWidthPicksOne() {
    CpuFeatures cpu =
        CpuFeatures.parse(
            "flags : avx2 fma f16c avx512f avx512bw avx512vl avx512dq avx512_vnni\n", "skx");
    assertThat(cpu.levelFor(16)).contains(CpuFeatures.Level.AVX512);
    assertThat(cpu.levelFor(8)).contains(CpuFeatures.Level.AVX2);
  }

  @Test
  void noFlagsLineMeansNoFeaturesAndSaysSo() {
    CpuFeatures cpu = CpuFeatures.parse("processor : 0\nFeatures : fp asimd\n", "arm");
    assertThat(cpu.flags()).isEmpty();
    assertThat(cpu.source()).contains("no 'flags' line");
    assertThat(cpu.levelFor(8)).isEmpty();
  }

  @Test
  void thisMachineHasFlags() {
    // Linux x86-64 (the only platform the build targets) always lists flags in /proc/cpuinfo.
    CpuFeatures cpu = CpuFeatures.ofThisMachine();
    org.junit.jupiter.api.Assumptions.assumeTrue(
        System.getProperty("os.name").startsWith("Linux")
            && System.getProperty("os.arch").equals("amd64"),
        "not Linux x86-64");
    assertThat(cpu.flags()).as(cpu.source()).contains("sse2");
  }
}
