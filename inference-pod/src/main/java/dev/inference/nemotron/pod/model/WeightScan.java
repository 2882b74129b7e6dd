package dev.inference.nemotron.pod.model;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds Inf and NaN values in a checkpoint's weights. One such weight poisons every logit it
 * reaches, and the network then decodes garbage or fails on a NaN far from the cause; a scan names
 * the tensor and the element instead. It reads every byte of the weights (seconds per gigabyte, the
 * pages stay cached), so it runs on request or after a forward produced a non-finite logit, not on
 * every load.
 *
 * <p>A value is non-finite exactly when its exponent bits are all ones, so the scan tests raw bits,
 * four bf16/f16 values or two f32 values per 64-bit read, without decoding them.
 */
public final class WeightScan {
  private static final ValueLayout.OfLong LONG_LE =
      ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

  /**
   * A non-finite weight.
   *
   * @param tensor the tensor's safetensors name
   * @param index the element's row-major flat index in the tensor
   * @param value the element's value (NaN or an infinity)
   */
  public record NonFinite(String tensor, long index, float value) {
    @Override
    public String toString() {
      return tensor + "[" + index + "] = " + value;
    }
  }

  private WeightScan() {}

  /**
   * The first non-finite weight of the network, in file order (embedding, layer by layer, final
   * norm, LM head), or empty when every weight is finite.
   */
  public static Optional<NonFinite> firstNonFinite(ModelWeights weights) {
    for (Tensor t : tensors(weights)) {
      Optional<NonFinite> found = firstNonFinite(t);
      if (found.isPresent()) {
        return found;
      }
    }
    return Optional.empty();
  }

  /** The first non-finite element of {@code tensor}, or empty when every element is finite. */
  public static Optional<NonFinite> firstNonFinite(Tensor tensor) {
    if (tensor.isQuantized()) {
      return firstNonFiniteQuantized(tensor);
    }
    MemorySegment data = tensor.data();
    long count = tensor.elementCount();
    int bytes = tensor.dtype().bytes();
    long exponent = exponentMask(tensor.dtype());
    int perLong = 8 / bytes;
    long lanes = replicate(exponent, bytes);
    long ones = replicate(1, bytes);
    long signs = replicate(1L << (8 * bytes - 1), bytes);
    long whole = count / perLong;
    for (long w = 0; w < whole; w++) {
      // A lane whose exponent bits are all set becomes zero after the xor; the classic
      // has-a-zero-lane test finds it (lanes hold no sign bit here, so it has no false alarms).
      long t = (data.get(LONG_LE, w * 8) & lanes) ^ lanes;
      if (((t - ones) & ~t & signs) != 0) {
        return scanElements(tensor, w * perLong, (w + 1) * perLong, exponent);
      }
    }
    return scanElements(tensor, whole * perLong, count, exponent);
  }

  private static Optional<NonFinite> scanElements(
      Tensor tensor, long from, long to, long exponent) {
    MemorySegment data = tensor.data();
    int bytes = tensor.dtype().bytes();
    for (long i = from; i < to; i++) {
      long bits =
          bytes == 2
              ? data.get(DType.SHORT_LE, i * 2) & 0xffffL
              : data.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), i * 4)
                  & 0xffffffffL;
      if ((bits & exponent) == exponent) {
        return Optional.of(new NonFinite(tensor.name(), i, tensor.get(i)));
      }
    }
    return Optional.empty();
  }

  private static long exponentMask(DType dtype) {
    return switch (dtype) {
      case BF16 -> 0x7f80L;
      case F16 -> 0x7c00L;
      case F32 -> 0x7f80_0000L;
      case I8, U8, F8_E4M3 -> throw new IllegalArgumentException("not a float tensor: " + dtype);
    };
  }

  /** A quantized tensor is non-finite where a scale is, or where an fp8 code is NaN. */
  private static Optional<NonFinite> firstNonFiniteQuantized(Tensor tensor) {
    Tensor scales = tensor.quantization().scales();
    Optional<NonFinite> scale = firstNonFinite(scales);
    if (scale.isPresent()) {
      return scale;
    }
    if (tensor.quantization().format() == QuantFormat.FP8) {
      MemorySegment data = tensor.data();
      for (long i = 0; i < data.byteSize(); i++) {
        if ((data.get(ValueLayout.JAVA_BYTE, i) & 0x7F) == 0x7F) {
          return Optional.of(new NonFinite(tensor.name(), i, Float.NaN));
        }
      }
    }
    return Optional.empty();
  }

  /** {@code lane} repeated in every {@code bytes}-wide lane of a long. */
  private static long replicate(long lane, int bytes) {
    long out = 0;
    for (int shift = 0; shift < 64; shift += 8 * bytes) {
      out |= lane << shift;
    }
    return out;
  }

  private static List<Tensor> tensors(ModelWeights w) {
    List<Tensor> all = new ArrayList<>();
    all.add(w.embedTokens());
    for (LayerWeights l : w.layers()) {
      all.addAll(l.tensors());
    }
    all.add(w.finalNorm());
    all.add(w.lmHead());
    return all;
  }
}
