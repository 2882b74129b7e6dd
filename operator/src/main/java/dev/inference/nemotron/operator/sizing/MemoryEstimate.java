package dev.inference.nemotron.operator.sizing;

/**
 * The memory bill of one replica and whether it fits its GPUs.
 *
 * @param weightBytes weights in the chosen format, scales and norms included
 * @param kvCacheBytes keys and values for every admitted token of every concurrent sequence
 * @param activationBytes fp32 scratch for one forward pass over every sequence's block of rows
 * @param overheadBytes CUDA context, library workspaces and allocator fragmentation
 * @param availableBytes device memory of all the replica's GPUs; 0 for the CPU class
 * @param verdict whether the replica fits, and if not why
 * @param explanation one sentence a person can act on
 */
public record MemoryEstimate(
    long weightBytes,
    long kvCacheBytes,
    long activationBytes,
    long overheadBytes,
    long availableBytes,
    Verdict verdict,
    String explanation) {

  /** The outcome of a sizing. */
  public enum Verdict {
    /** The replica fits its GPUs (or runs on the CPU). */
    FITS,
    /** The replica needs more device memory than its GPUs have. */
    TOO_LARGE,
    /** The weight format needs hardware the GPU class lacks (fp8 on Ampere). */
    UNSUPPORTED_FORMAT
  }

  /** Everything the replica needs. */
  public long requiredBytes() {
    return weightBytes + kvCacheBytes + activationBytes + overheadBytes;
  }

  /** Whether the deployment may run as specified. */
  public boolean fits() {
    return verdict == Verdict.FITS;
  }
}
