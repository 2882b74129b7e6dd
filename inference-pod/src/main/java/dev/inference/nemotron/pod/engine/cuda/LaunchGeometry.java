package dev.inference.nemotron.pod.engine.cuda;

/**
 * Grid and block sizes of every kernel launch, computed from the model's shape and the number of
 * rows, with the limits the kernels assume checked on the host (the kernels do not bounds-check
 * what these guarantee). Pure arithmetic, so it is unit-tested for every model size without a GPU.
 *
 * @param gridX blocks along x
 * @param gridY blocks along y
 * @param block threads per block (1-D)
 */
public record LaunchGeometry(long gridX, int gridY, int block) {
  /** CUDA's limit on gridDim.x. */
  public static final long MAX_GRID_X = (1L << 31) - 1;

  /** CUDA's limit on gridDim.y. */
  public static final int MAX_GRID_Y = 65535;

  /** Most rows the GEMV kernels take per launch (NDD_GEMV_MAX_ROWS in gemv.cu). */
  public static final int GEMV_MAX_ROWS = 8;

  /** Output features per GEMV block: one warp each (NDD_GEMV_WARPS). */
  static final int GEMV_WARPS = 4;

  /**
   * Output features each warp of a quantized GEMV computes (NDD_QGEMV_OUTS_PER_WARP): two, so that
   * one activation load from L1 serves two rows of codes.
   */
  static final int QUANTIZED_GEMV_OUTS_PER_WARP = 2;

  /**
   * Largest head dimension the attention kernel holds in registers (NDD_MAX_DIMS_PER_LANE * 32).
   */
  public static final int MAX_HEAD_DIM = 256;

  /** Threads of the argmax and sampling kernels (NDD_PICK_THREADS). */
  static final int PICK_THREADS = 1024;

  private static final int ELEMENTWISE_BLOCK = 256;

  public LaunchGeometry {
    if (gridX < 1 || gridX > MAX_GRID_X || gridY < 1 || gridY > MAX_GRID_Y) {
      throw new IllegalArgumentException(
          "grid " + gridX + " x " + gridY + " is outside CUDA's limits (x < 2^31, y <= 65535)");
    }
    if (block < 32 || block > 1024 || block % 32 != 0) {
      throw new IllegalArgumentException(
          "a block of " + block + " threads: must be a multiple of 32 in [32, 1024]");
    }
  }

  /** One block per row over {@code width} columns (embedding, RMSNorm, row gathers). */
  public static LaunchGeometry perRow(int rows, int width) {
    return new LaunchGeometry(rows, 1, Math.min(1024, roundUp(width, 32)));
  }

  /** One block per (row, head), one thread per rotated pair. */
  public static LaunchGeometry rope(int rows, int heads, int headDim) {
    if (headDim % 2 != 0 || headDim / 2 > 1024) {
      throw new IllegalArgumentException("RoPE needs an even head_dim <= 2048, got " + headDim);
    }
    return new LaunchGeometry(rows, heads, roundUp(headDim / 2, 32));
  }

  /** One block of 4 warps per (chunk row, query head). */
  public static LaunchGeometry attention(int rows, int heads, int kvHeads, int headDim) {
    if (headDim > MAX_HEAD_DIM) {
      throw new IllegalArgumentException(
          "the attention kernel supports head_dim <= " + MAX_HEAD_DIM + ", got " + headDim);
    }
    if (kvHeads <= 0 || heads % kvHeads != 0) {
      throw new IllegalArgumentException(
          heads + " query heads are not a multiple of " + kvHeads + " KV heads");
    }
    return new LaunchGeometry(rows, heads, 128);
  }

  /** Bytes of static shared memory the attention kernel declares (must stay under 48 KiB). */
  public static int attentionSharedBytes() {
    int warps = 4;
    return warps * 4 * 2 + warps * MAX_HEAD_DIM * 4;
  }

  /** One warp per output feature, 4 per block, for up to {@link #GEMV_MAX_ROWS} rows. */
  public static LaunchGeometry gemv(int outFeatures, int inFeatures, int alignment) {
    if (inFeatures % alignment != 0) {
      throw new IllegalArgumentException(
          "the GEMV kernel reads "
              + alignment
              + " inputs at a time; in_features "
              + inFeatures
              + " is not a multiple");
    }
    return new LaunchGeometry(ceilDiv(outFeatures, GEMV_WARPS), 1, 32 * GEMV_WARPS);
  }

  /**
   * The quantized GEMV kernels ({@code ndd_gemv_int8/int4/fp8} and their {@code _row} one-row
   * variants): one warp per {@link #QUANTIZED_GEMV_OUTS_PER_WARP} output features, 4 warps per
   * block, each lane reading 16 bytes of codes of each at a time. int8 and int4 need whole blocks
   * of 32 or 64 inputs (a 16-byte vector then never straddles two scales); fp8 needs {@code in} a
   * multiple of 16 (other widths go to the dequantizing path, see {@link
   * #quantizedGemvFits(DeviceMatrix.Format, int, int)}).
   */
  public static LaunchGeometry gemvQuantized(
      DeviceMatrix.Format format, int outFeatures, int inFeatures, int blockSize) {
    if (!quantizedGemvFits(format, inFeatures, blockSize)) {
      throw new IllegalArgumentException(
          "the "
              + format
              + " GEMV kernel needs "
              + (format == DeviceMatrix.Format.FP8
                  ? "in_features a multiple of 16"
                  : "blocks of 32 or 64 inputs and in_features a multiple of the block")
              + "; got in_features "
              + inFeatures
              + ", block "
              + blockSize);
    }
    return new LaunchGeometry(
        ceilDiv(outFeatures, GEMV_WARPS * QUANTIZED_GEMV_OUTS_PER_WARP), 1, 32 * GEMV_WARPS);
  }

  /** Whether the quantized GEMV kernel of {@code format} takes this width and block size. */
  static boolean quantizedGemvFits(DeviceMatrix.Format format, int inFeatures, int blockSize) {
    return switch (format) {
      case INT8, INT4 ->
          (blockSize == 32 || blockSize == 64) && inFeatures > 0 && inFeatures % blockSize == 0;
      case FP8 -> inFeatures > 0 && inFeatures % 16 == 0;
      case BF16, F32 -> false;
    };
  }

  /** {@code ndd_dequantize_split} over a tile of {@code tileRows} rows: one thread per weight. */
  public static LaunchGeometry dequantize(int tileRows, int inFeatures) {
    return elementwise((long) tileRows * inFeatures);
  }

  /** The LoRA kernels: one warp per output feature, one grid row per adapter row. */
  public static LaunchGeometry lora(int outFeatures, int adapterRows) {
    return new LaunchGeometry(ceilDiv(outFeatures, GEMV_WARPS), adapterRows, 32 * GEMV_WARPS);
  }

  /** One thread per element. */
  public static LaunchGeometry elementwise(long elements) {
    return new LaunchGeometry(ceilDiv(elements, ELEMENTWISE_BLOCK), 1, ELEMENTWISE_BLOCK);
  }

  /** KV writes: one block per written position. */
  public static LaunchGeometry kvRows(int positions, int kvWidth) {
    return new LaunchGeometry(positions, 1, Math.min(256, roundUp(kvWidth, 32)));
  }

  /** Argmax and sampling: one block of 1024 threads per row. */
  public static LaunchGeometry pick(int rows) {
    return new LaunchGeometry(rows, 1, PICK_THREADS);
  }

  /** Threads in total. */
  public long threads() {
    return gridX * gridY * block;
  }

  static long ceilDiv(long a, long b) {
    return (a + b - 1) / b;
  }

  private static int roundUp(int a, int b) {
    return (int) ceilDiv(a, b) * b;
  }
}
