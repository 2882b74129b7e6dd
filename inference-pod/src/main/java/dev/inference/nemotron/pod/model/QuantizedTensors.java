package dev.inference.nemotron.pod.model;

import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Reads the projections of a pre-quantized checkpoint (codes in {@code NAME.weight}, scales in
 * {@code NAME.weight_scale}, WEIGHT-FORMATS.md), checking every code and scale shape against the
 * config and {@code quantization_config}; and quantizes a float checkpoint at load.
 */
final class QuantizedTensors {
  private QuantizedTensors() {}

  /** The ModelOpt FP8 activation scale of weight {@code weightName}: read, never used. */
  static String inputScaleName(String weightName) {
    return weightName.endsWith(".weight")
        ? weightName.substring(0, weightName.length() - ".weight".length()) + ".input_scale"
        : weightName + ".input_scale";
  }

  /**
   * The tensor of {@code slot}: plain when it has no scale tensor, quantized (checked) when it has.
   */
  static Tensor load(TensorStore store, WeightLayout.Slot slot, Optional<QuantizationConfig> qc)
      throws CheckpointFormatException {
    String name = slot.name();
    String scaleName = WeightQuantizer.scaleName(name);
    Path file = store.fileOf(name);
    Tensor stored = store.tensor(name);
    if (!store.contains(scaleName)) {
      if (!stored.dtype().isFloat()) {
        throw new CheckpointFormatException(
            file
                + ": tensor "
                + name
                + " holds "
                + stored.dtype()
                + " codes but there is no scale tensor "
                + scaleName);
      }
      long[] shape = store.shape(name);
      if (!Arrays.equals(shape, slot.shape())) {
        throw new CheckpointFormatException(
            file
                + ": tensor "
                + name
                + " has shape "
                + Arrays.toString(shape)
                + ", expected "
                + slot.dims()
                + " from config.json");
      }
      return stored;
    }
    if (qc.isEmpty()) {
      throw new CheckpointFormatException(
          file
              + ": tensor "
              + scaleName
              + " says "
              + name
              + " is quantized, but config.json has no "
              + QuantizationConfig.KEY);
    }
    if (slot.role() != WeightLayout.Role.PROJECTION) {
      throw new CheckpointFormatException(
          file
              + ": tensor "
              + name
              + " is quantized, but only projections may be (the embedding and norms stay in"
              + " BF16/F16/F32)");
    }
    QuantFormat format = qc.get().format();
    if (stored.dtype() != format.codes()) {
      throw new CheckpointFormatException(
          file
              + ": tensor "
              + name
              + " is "
              + stored.dtype()
              + ", but quantization_config says "
              + format.id()
              + " ("
              + format.codes()
              + " codes)");
    }
    long out = slot.shape()[0];
    long in = slot.shape()[1];
    requireShape(
        file,
        name,
        store.shape(name),
        format.codeShape(out, in),
        format.id() + " codes of " + slot.dims() + " from config.json");
    Path scaleFile = store.fileOf(scaleName);
    Tensor scales = store.tensor(scaleName);
    if (!scales.dtype().isFloat()) {
      throw new CheckpointFormatException(
          scaleFile
              + ": tensor "
              + scaleName
              + " is "
              + scales.dtype()
              + ", scales must be BF16, F16 or F32");
    }
    long[] scaleShape = scales.shape();
    Quantization quantization;
    if (format.blockwise()) {
      int block = qc.get().blockSize();
      if (in % block != 0) {
        throw new CheckpointFormatException(
            file
                + ": tensor "
                + name
                + ": input width "
                + in
                + " is not a multiple of block_size "
                + block);
      }
      long[] expected = {out, in / block};
      requireShape(
          scaleFile,
          scaleName,
          scaleShape,
          expected,
          "one scale per block of "
              + block
              + " inputs of "
              + name
              + " "
              + slot.dims()
              + " (quantization_config.block_size)");
      quantization = new Quantization(format, block, (int) (in / block), scales);
    } else if (scales.elementCount() == 1 && scaleShape.length <= 1) {
      quantization = new Quantization(format, (int) in, 0, scales); // per tensor
    } else if (scaleShape.length >= 1
        && scaleShape[0] == out
        && scales.elementCount() == out
        && scaleShape.length <= 2) {
      quantization = new Quantization(format, (int) in, 1, scales); // per output channel
    } else {
      throw new CheckpointFormatException(
          scaleFile
              + ": tensor "
              + scaleName
              + " has shape "
              + Arrays.toString(scaleShape)
              + ", expected [] or [1] (per tensor) or ["
              + out
              + ", 1] (per output channel) for the fp8 weight "
              + name);
    }
    return new Tensor(name, slot.shape(), stored.data(), quantization);
  }

  private static void requireShape(
      Path file, String name, long[] actual, long[] expected, String because)
      throws CheckpointFormatException {
    if (!Arrays.equals(actual, expected)) {
      throw new CheckpointFormatException(
          file
              + ": tensor "
              + name
              + " has shape "
              + Arrays.toString(actual)
              + ", expected "
              + Arrays.toString(expected)
              + " ("
              + because
              + ")");
    }
  }

  /**
   * {@code weights} as {@code plan} asks: a float checkpoint's projections quantized into {@code
   * arena}; a checkpoint already in the plan's format as stored.
   */
  static ModelWeights apply(
      ModelWeights weights,
      QuantizationPlan plan,
      Optional<QuantizationConfig> stored,
      Path configFile,
      Arena arena)
      throws CheckpointFormatException {
    if (stored.isPresent()) {
      if (stored.get().format() != plan.format()) {
        throw new CheckpointFormatException(
            configFile
                + ": the checkpoint is pre-quantized as "
                + stored.get().format().id()
                + ", it cannot be served as "
                + plan.format().id()
                + " (quantize its BF16 original instead)");
      }
      return weights;
    }
    UnaryOperator<Tensor> q =
        t ->
            t.isQuantized()
                ? t
                : WeightQuantizer.quantize(t, plan.format(), plan.blockSize(), arena);
    List<LayerWeights> layers = new ArrayList<>();
    try {
      for (LayerWeights l : weights.layers()) {
        layers.add(
            new LayerWeights(
                l.inputNorm(),
                q.apply(l.qProj()),
                q.apply(l.kProj()),
                q.apply(l.vProj()),
                q.apply(l.oProj()),
                l.postAttentionNorm(),
                q.apply(l.gateProj()),
                q.apply(l.upProj()),
                q.apply(l.downProj())));
      }
      return new ModelWeights(
          weights.embedTokens(),
          layers,
          weights.finalNorm(),
          plan.lmHead() ? q.apply(weights.lmHead()) : weights.lmHead());
    } catch (IllegalArgumentException e) {
      throw new CheckpointFormatException(
          configFile.getParent() + ": cannot quantize to " + plan + ": " + e.getMessage(), e);
    }
  }
}
