package dev.inference.nemotron.operator.sizing;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The GPU classes a deployment can ask for: device memory, FP8 support and the values of the GPU
 * Feature Discovery label {@code nvidia.com/gpu.product} that identify nodes carrying them.
 *
 * <p>Memory is what the driver reports as total device memory ({@code nvidia-smi
 * --query-gpu=memory.total}, also GFD's {@code nvidia.com/gpu.memory} label, in MiB), not the
 * marketing figure: an "80GB" H100 reports 81559 MiB, i.e. 79.6 GiB. Product label spellings follow
 * GFD, which replaces spaces in the CUDA device name with dashes; several spellings exist per class
 * (SXM vs PCIe boards, driver generations), so each class lists all the common ones.
 */
public enum GpuClass {
  H100("H100", 81_559, true, "NVIDIA-H100-80GB-HBM3", "NVIDIA-H100-SXM5-80GB", "NVIDIA-H100-PCIe"),
  H200("H200", 143_771, true, "NVIDIA-H200", "NVIDIA-H200-NVL"),
  B200("B200", 183_359, true, "NVIDIA-B200"),
  /** One Blackwell GPU of a GB200 superchip (the Grace CPU's memory is not counted). */
  GB200("GB200", 189_471, true, "NVIDIA-GB200"),
  A100_80GB(
      "A100-80GB",
      81_920,
      false,
      "NVIDIA-A100-SXM4-80GB",
      "NVIDIA-A100-80GB-PCIe",
      "NVIDIA-A100-PCIE-80GB"),
  A100_40GB("A100-40GB", 40_960, false, "NVIDIA-A100-SXM4-40GB", "NVIDIA-A100-PCIE-40GB"),
  L40S("L40S", 46_068, true, "NVIDIA-L40S"),
  L4("L4", 23_034, true, "NVIDIA-L4"),
  /**
   * No accelerator: the runtime's CPU backend. Memory is the pod's, so there is no device limit to
   * check here; the sizing turns into the pod's memory request instead. No FP8, as the CRD's rule
   * on spec.quantization says.
   */
  CPU("CPU", 0, false);

  private static final long MIB = 1024L * 1024L;

  private final String specName;
  private final long memoryMib;
  private final boolean fp8;
  private final List<String> productLabels;

  GpuClass(String specName, long memoryMib, boolean fp8, String... productLabels) {
    this.specName = specName;
    this.memoryMib = memoryMib;
    this.fp8 = fp8;
    this.productLabels = List.of(productLabels);
  }

  /** The spelling used in {@code spec.gpu.class}, e.g. {@code A100-80GB}. */
  public String specName() {
    return specName;
  }

  /** Total device memory of one GPU in bytes; 0 for {@link #CPU}. */
  public long memoryBytes() {
    return memoryMib * MIB;
  }

  /**
   * Whether the hardware runs FP8 matrix multiplies (Hopper, Ada and Blackwell; not Ampere, not the
   * CPU backend).
   */
  public boolean supportsFp8() {
    return fp8;
  }

  /** Values of {@code nvidia.com/gpu.product} that select nodes of this class; empty for CPU. */
  public List<String> productLabels() {
    return productLabels;
  }

  /** Whether pods of this class request {@code nvidia.com/gpu} devices. */
  public boolean isAccelerator() {
    return this != CPU;
  }

  /** Parses a {@code spec.gpu.class} value (case-insensitive). */
  public static Optional<GpuClass> fromSpecName(String name) {
    return Arrays.stream(values()).filter(c -> c.specName.equalsIgnoreCase(name)).findFirst();
  }

  /** The accepted {@code spec.gpu.class} values, for error messages. */
  public static String specNames() {
    return Arrays.stream(values()).map(GpuClass::specName).collect(Collectors.joining(", "));
  }
}
