package dev.inference.nemotron.pod.model;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The quantized weight formats (WEIGHT-FORMATS.md). A quantized projection {@code [out, in]} is
 * stored as codes plus scales; its value at {@code (j, c)} is {@code code(j, c) * scale(j, c /
 * block)}.
 */
public enum QuantFormat {
  /**
   * Symmetric int8: codes in [-127, 127] ({@link DType#I8}, shape {@code [out, in]}), one scale per
   * block of {@code block} inputs ({@code amax / 127}).
   */
  INT8("int8", DType.I8),
  /**
   * Symmetric int4 without zero-point: codes in [-8, 7] stored as {@code code + 8} in nibbles
   * ({@link DType#U8}, shape {@code [out, in / 2]}), one scale per block of inputs. In each block
   * of B inputs, byte k (k &lt; B/2) holds input k in its low nibble and input k + B/2 in its high
   * nibble, so a vector of bytes widens to two vectors of consecutive inputs.
   */
  INT4("int4", DType.U8),
  /**
   * FP8 E4M3 codes ({@link DType#F8_E4M3}, shape {@code [out, in]}) with an F32 scale per output
   * channel ({@code [out, 1]}) or for the whole tensor ({@code []} or {@code [1]}), as NVIDIA ships
   * FP8 checkpoints.
   */
  FP8("fp8", DType.F8_E4M3);

  private final String id;
  private final DType codes;

  QuantFormat(String id, DType codes) {
    this.id = id;
    this.codes = codes;
  }

  /** The name in runtime.yaml, {@code --quantization} and {@code quantization_config.format}. */
  public String id() {
    return id;
  }

  /** The safetensors dtype of the codes ({@code weight}). */
  public DType codes() {
    return codes;
  }

  /** Whether scales are per block of inputs (int8, int4) rather than per channel (fp8). */
  public boolean blockwise() {
    return this != FP8;
  }

  /** Bytes of codes of a {@code [out, in]} weight. */
  public long codeBytes(long out, long in) {
    return this == INT4 ? out * (in / 2) : out * in;
  }

  /** The stored shape of the codes of a {@code [out, in]} weight. */
  public long[] codeShape(long out, long in) {
    return this == INT4 ? new long[] {out, in / 2} : new long[] {out, in};
  }

  /** The format named {@code id} ({@code int8}, {@code int4}, {@code fp8}), if any. */
  public static Optional<QuantFormat> fromId(String id) {
    String lower = id.toLowerCase(Locale.ROOT);
    return Arrays.stream(values()).filter(f -> f.id.equals(lower)).findFirst();
  }

  /** Every name, for error messages. */
  public static String ids() {
    return Arrays.stream(values()).map(QuantFormat::id).collect(Collectors.joining(", "));
  }
}
