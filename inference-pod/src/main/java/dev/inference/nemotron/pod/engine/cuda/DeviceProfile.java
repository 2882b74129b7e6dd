package dev.inference.nemotron.pod.engine.cuda;

import java.util.Locale;

/**
 * What a GPU offers the runtime: memory and the HBM bandwidth decode speed is bound by. The named
 * ones are the data-sheet figures of the classes the operator schedules; a probed device carries
 * the driver's numbers and the named class's bandwidth when its name matches one.
 *
 * @param name the device's name
 * @param totalBytes device memory
 * @param freeBytes memory free for this process before it allocates anything
 * @param bandwidthBytesPerSecond peak HBM/GDDR bandwidth (data sheet), 0 when unknown
 * @param computeMajor compute capability, major
 * @param computeMinor compute capability, minor
 */
public record DeviceProfile(
    String name,
    long totalBytes,
    long freeBytes,
    double bandwidthBytesPerSecond,
    int computeMajor,
    int computeMinor) {

  private static final long GIB = 1L << 30;

  /** H100 SXM 80 GB: 3.35 TB/s, compute 9.0. */
  public static final DeviceProfile H100 =
      new DeviceProfile("H100", 80 * GIB, 79 * GIB + GIB / 2, 3.35e12, 9, 0);

  /** A100 SXM 80 GB: 2.04 TB/s, compute 8.0. */
  public static final DeviceProfile A100_80GB =
      new DeviceProfile("A100-80GB", 80 * GIB, 79 * GIB + GIB / 2, 2.039e12, 8, 0);

  /** A100 40 GB: 1.555 TB/s, compute 8.0. */
  public static final DeviceProfile A100_40GB =
      new DeviceProfile("A100-40GB", 40 * GIB, 39 * GIB + GIB / 2, 1.555e12, 8, 0);

  /** L4 24 GB: 300 GB/s, compute 8.9 (the driver reports about 22 GiB usable). */
  public static final DeviceProfile L4 = new DeviceProfile("L4", 24 * GIB, 22 * GIB, 300e9, 8, 9);

  /** The data-sheet bandwidth of a device name the driver reports (0 when unknown). */
  public static double bandwidthOf(String deviceName) {
    String n = deviceName.toUpperCase(Locale.ROOT);
    if (n.contains("H100")) {
      return n.contains("PCIE") ? 2.0e12 : H100.bandwidthBytesPerSecond();
    }
    if (n.contains("H200")) {
      return 4.8e12;
    }
    if (n.contains("B200")) {
      return 8.0e12;
    }
    if (n.contains("A100")) {
      return n.contains("40GB") ? A100_40GB.bandwidthBytesPerSecond() : 2.039e12;
    }
    if (n.contains("L40S")) {
      return 864e9;
    }
    if (n.contains("L4")) {
      return L4.bandwidthBytesPerSecond();
    }
    return 0;
  }

  /** Whether the kernels run on it: compute capability 8.0 (Ampere) or newer. */
  public boolean supported() {
    return computeMajor >= 8;
  }

  /** {@code 9.0}. */
  public String computeCapability() {
    return computeMajor + "." + computeMinor;
  }
}
