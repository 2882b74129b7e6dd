package dev.inference.nemotron.pod.model;

import java.util.Locale;

/**
 * What the runtime is asked to run the projections in ({@code quantization} of runtime.yaml, {@code
 * --quantization}): a float checkpoint is quantized at load; a checkpoint already in {@code format}
 * loads as stored. The embedding and the norms always stay as stored (a lookup and a few vectors:
 * no bandwidth to save, and quantizing them costs quality); the LM head is quantized only when
 * {@code lmHead} says so.
 *
 * @param format the projections' format
 * @param blockSize inputs per scale for int8/int4 (32 or 64)
 * @param lmHead whether {@code diffusion_head} is quantized too
 */
public record QuantizationPlan(QuantFormat format, int blockSize, boolean lmHead) {
  public QuantizationPlan {
    if (format.blockwise() && !WeightQuantizer.validBlockSize(blockSize)) {
      throw new IllegalArgumentException("block size must be 32 or 64, got " + blockSize);
    }
  }

  /**
   * The plan for a {@code quantization} name: {@code bf16} (or {@code none}) is null (the weights
   * as stored); {@code int8}, {@code int4}, {@code fp8} quantize with blocks of 32, LM head kept.
   * An optional {@code +head} suffix quantizes the LM head too ({@code int8+head}).
   */
  public static QuantizationPlan parse(String name) {
    String lower = name.toLowerCase(Locale.ROOT).trim();
    if (lower.equals("bf16") || lower.equals("none")) {
      return null;
    }
    boolean head = lower.endsWith("+head");
    String id = head ? lower.substring(0, lower.length() - "+head".length()) : lower;
    QuantFormat format =
        QuantFormat.fromId(id)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "quantization must be bf16, "
                            + QuantFormat.ids()
                            + " (optionally with +head), got '"
                            + name
                            + "'"));
    return new QuantizationPlan(format, WeightQuantizer.DEFAULT_BLOCK_SIZE, head);
  }

  @Override
  public String toString() {
    return format.id()
        + (format.blockwise() ? " (blocks of " + blockSize + ")" : "")
        + (lmHead ? ", LM head quantized" : ", LM head as stored");
  }
}
