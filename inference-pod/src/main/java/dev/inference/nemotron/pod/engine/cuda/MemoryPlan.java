package dev.inference.nemotron.pod.engine.cuda;

import dev.inference.nemotron.pod.model.QuantFormat;
import java.util.Locale;

/**
 * Where the GPU's memory goes: the weights, the KV pool (shared by every sequence, in pages), the
 * per-forward workspace (activations for the largest chunk, the logits of the rows asked for) and a
 * fixed reserve for the CUDA context, the loaded modules and cuBLAS. Checked against the device's
 * free memory before anything is allocated, so a model that does not fit fails with the numbers,
 * not with an out-of-memory error half-way through loading.
 *
 * @param weightBytes device bytes of the weights
 * @param kvPositions positions the KV pool holds
 * @param kvBytes device bytes of the KV pool
 * @param maxRows most rows one forward runs (all sequences of a batch together)
 * @param maxLogitRows most rows whose logits one forward computes
 * @param workspaceBytes device bytes of the activations and logits for maxRows
 * @param reserveBytes context, modules and cuBLAS workspace
 * @param dequantizeBytes the tile quantized weights are dequantized into for cuBLAS (0 when no
 *     weight is quantized; {@link DequantizeTiles})
 */
public record MemoryPlan(
    long weightBytes,
    long kvPositions,
    long kvBytes,
    int maxRows,
    int maxLogitRows,
    long workspaceBytes,
    long reserveBytes,
    long dequantizeBytes) {

  /** CUDA context, loaded PTX modules, cuBLAS handle and its workspace. */
  public static final long RESERVE_BYTES = 768L << 20;

  /** Positions per KV page. */
  public static final int PAGE_SIZE = 64;

  /** A plan for {@code kvPositions} KV positions and forwards of up to {@code maxRows} rows. */
  public static MemoryPlan of(
      ModelDims dims, long weightBytes, long kvPositions, int maxRows, int maxLogitRows) {
    return of(dims, new Weights(weightBytes, 0), kvPositions, maxRows, maxLogitRows);
  }

  /**
   * What the weights take on the device: their bytes (codes and scales for quantized ones) and the
   * dequantization tile the many-row path needs when some are quantized.
   *
   * @param bytes device bytes of the weights
   * @param dequantizeBytes the dequantization tile (0 without quantized weights)
   */
  public record Weights(long bytes, long dequantizeBytes) {
    /**
     * The weights of a model of shape {@code d} with the projections in {@code format} (null: BF16)
     * and blocks of {@code blockSize}, the LM head quantized too when {@code lmHead}; computed from
     * the shapes (WEIGHT-FORMATS.md §2: codes plus BF16 block scales for int8/int4, one F32 scale
     * per output channel for fp8; the embedding stays BF16, norms are fp32 on the device).
     */
    public static Weights of(ModelDims d, QuantFormat format, int blockSize, boolean lmHead) {
      long h = d.hidden();
      long[][] projections = {
        {d.queryWidth(), h},
        {d.kvWidth(), h},
        {d.kvWidth(), h},
        {h, d.queryWidth()},
        {d.intermediate(), h},
        {d.intermediate(), h},
        {h, d.intermediate()}
      };
      long perLayer = 0;
      long largest = 0;
      for (long[] m : projections) {
        perLayer += matrixBytes(format, blockSize, m[0], m[1]);
        largest = Math.max(largest, m[0] * m[1]);
      }
      long head = matrixBytes(lmHead ? format : null, blockSize, d.vocab(), h);
      if (format != null && lmHead) {
        largest = Math.max(largest, d.vocab() * h);
      }
      long bytes =
          d.vocab() * h * 2 + head + d.layers() * perLayer + d.normElements() * Float.BYTES;
      return new Weights(bytes, format == null ? 0 : DequantizeTiles.bufferBytes(largest));
    }

    /** Device bytes of one {@code [out, in]} matrix in {@code format} (null: BF16). */
    static long matrixBytes(QuantFormat format, int blockSize, long out, long in) {
      if (format == null) {
        return out * in * 2;
      }
      return switch (format) {
        case INT8 -> out * in + out * (in / blockSize) * 2;
        case INT4 -> out * (in / 2) + out * (in / blockSize) * 2;
        case FP8 -> out * in + out * Float.BYTES;
      };
    }
  }

  /** A plan for weights that may be quantized (their dequantization tile is counted). */
  public static MemoryPlan of(
      ModelDims dims, Weights weights, long kvPositions, int maxRows, int maxLogitRows) {
    long weightBytes = weights.bytes();
    if (kvPositions < 0 || maxRows <= 0 || maxLogitRows < 0 || maxLogitRows > maxRows) {
      throw new IllegalArgumentException(
          "a memory plan needs kvPositions >= 0, maxRows > 0 and 0 <= maxLogitRows <= maxRows; got "
              + kvPositions
              + ", "
              + maxRows
              + ", "
              + maxLogitRows);
    }
    long pages = LaunchGeometry.ceilDiv(kvPositions, PAGE_SIZE);
    long kvBytes = pages * PAGE_SIZE * dims.kvBytesPerPosition();
    return new MemoryPlan(
        weightBytes,
        pages * PAGE_SIZE,
        kvBytes,
        maxRows,
        maxLogitRows,
        workspaceBytes(dims, maxRows, maxLogitRows),
        RESERVE_BYTES,
        weights.dequantizeBytes());
  }

  /**
   * Activation bytes of one forward of {@code rows} rows: the residual stream, the normed input and
   * a block's output {@code [rows, H]}, q and the attention output {@code [rows, heads * headDim]},
   * k and v, gate and up {@code [rows, I]}, the two BF16 halves of the widest input cuBLAS
   * multiplies, the logits of the rows asked for and the normed rows kept for late logits.
   */
  public static long workspaceBytes(ModelDims d, int rows, int logitRows) {
    long widest = Math.max(Math.max(d.hidden(), d.intermediate()), d.queryWidth());
    long floatsPerRow =
        3L * d.hidden() + 2L * d.queryWidth() + 2L * d.kvWidth() + 2L * d.intermediate();
    long perRow = floatsPerRow * Float.BYTES + 2L * widest * 2 + (long) d.hidden() * Float.BYTES;
    return rows * perRow + (long) logitRows * d.vocab() * Float.BYTES;
  }

  /** Everything the plan allocates. */
  public long totalBytes() {
    return weightBytes + kvBytes + workspaceBytes + reserveBytes + dequantizeBytes;
  }

  /**
   * The most KV positions that fit next to the weights and workspace in {@code freeBytes}, rounded
   * down to whole pages (0 when not even the weights fit).
   */
  public static long kvPositionsThatFit(
      ModelDims dims, long weightBytes, int maxRows, int maxLogitRows, long freeBytes) {
    return kvPositionsThatFit(dims, new Weights(weightBytes, 0), maxRows, maxLogitRows, freeBytes);
  }

  /** As above, for weights that may be quantized. */
  public static long kvPositionsThatFit(
      ModelDims dims, Weights weights, int maxRows, int maxLogitRows, long freeBytes) {
    long left =
        freeBytes
            - weights.bytes()
            - weights.dequantizeBytes()
            - workspaceBytes(dims, maxRows, maxLogitRows)
            - RESERVE_BYTES;
    if (left <= 0) {
      return 0;
    }
    long pageBytes = PAGE_SIZE * dims.kvBytesPerPosition();
    return left / pageBytes * PAGE_SIZE;
  }

  /** Whether the plan fits in {@code freeBytes}. */
  public boolean fits(long freeBytes) {
    return totalBytes() <= freeBytes;
  }

  /**
   * Refuses a plan that does not fit, naming every part and the device's numbers.
   *
   * @throws IllegalStateException when {@link #fits} is false
   */
  public void requireFits(String device, long freeBytes, long totalDeviceBytes) {
    if (!fits(freeBytes)) {
      throw new IllegalStateException(
          String.format(
              Locale.ROOT,
              "the model does not fit on %s: it needs %s (weights %s, KV pool %s for %d positions,"
                  + " workspace %s for %d rows%s, CUDA/cuBLAS reserve %s) but the device has %s"
                  + " free of %s; use a smaller model, quantized weights, a smaller KV pool"
                  + " (fewer positions) or a larger GPU",
              device,
              gib(totalBytes()),
              gib(weightBytes),
              gib(kvBytes),
              kvPositions,
              gib(workspaceBytes),
              maxRows,
              dequantizeBytes > 0 ? ", dequantization tile " + gib(dequantizeBytes) : "",
              gib(reserveBytes),
              gib(freeBytes),
              gib(totalDeviceBytes)));
    }
  }

  /** {@code 12.34 GiB}. */
  static String gib(long bytes) {
    return String.format(Locale.ROOT, "%.2f GiB", bytes / (double) (1L << 30));
  }
}
