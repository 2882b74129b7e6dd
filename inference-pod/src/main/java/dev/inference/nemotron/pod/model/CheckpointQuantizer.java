package dev.inference.nemotron.pod.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Writes a pre-quantized copy of a float checkpoint ({@code ndd quantize}, WEIGHT-FORMATS.md): one
 * {@code model.safetensors} with each projection's codes and scales, config.json with a {@code
 * quantization_config} entry, and every other file of the directory (tokenizer, generation config,
 * chat template, the draft adapter) copied unchanged. The copy loads without re-quantizing.
 */
public final class CheckpointQuantizer {
  private CheckpointQuantizer() {}

  /** What a finished conversion wrote. */
  public record Result(long bytesIn, long bytesOut, int quantizedTensors, int keptTensors) {}

  /**
   * Quantizes {@code source} into the new directory {@code target} as {@code plan} says, printing
   * one progress line per quantized tensor on {@code progress}.
   */
  public static Result write(Path source, Path target, QuantizationPlan plan, PrintStream progress)
      throws IOException {
    Path configFile = source.resolve("config.json");
    if (QuantizationConfig.read(configFile).isPresent()) {
      throw new CheckpointFormatException(
          configFile + ": the checkpoint is already quantized; quantize its BF16 original");
    }
    if (FileAccess.kind(target) != FileAccess.Kind.MISSING) {
      try (Stream<Path> entries = Files.list(target)) {
        if (entries.findAny().isPresent()) {
          throw new CheckpointFormatException(target + ": exists and is not empty");
        }
      } catch (java.nio.file.NotDirectoryException e) {
        throw new CheckpointFormatException(target + ": exists and is not a directory");
      }
    }
    try (Checkpoint checkpoint = Checkpoint.open(source, false)) {
      ModelConfig config = checkpoint.config();
      List<WeightLayout.Slot> slots = WeightLayout.slots(config);
      for (WeightLayout.Slot slot : slots) {
        if (quantizes(slot, plan)
            && plan.format().blockwise()
            && slot.fanIn() % plan.blockSize() != 0) {
          throw new CheckpointFormatException(
              source
                  + ": tensor "
                  + slot.name()
                  + " "
                  + slot.dims()
                  + " has an input width that is not a multiple of the block size "
                  + plan.blockSize());
        }
      }
      Files.createDirectories(target);
      SafetensorsWriter writer = new SafetensorsWriter();
      writer.metadata("quantization", plan.format().id());
      Current current = new Current();
      int quantized = 0;
      long bytesIn = 0;
      int total = (int) slots.stream().filter(s -> quantizes(s, plan)).count();
      for (WeightLayout.Slot slot : slots) {
        Tensor t = tensor(checkpoint.weights(), slot.name());
        bytesIn += t.storedBytes();
        if (!quantizes(slot, plan)) {
          writer.add(t);
          continue;
        }
        int index = ++quantized;
        long out = slot.shape()[0];
        long in = slot.shape()[1];
        Supplier<Tensor> result =
            () -> current.quantize(t, plan, () -> progressLine(progress, index, total, t));
        writer.addRaw(
            slot.name(),
            plan.format().codes(),
            plan.format().codeShape(out, in),
            () -> result.get().data());
        // The scales' dtype and shape as WeightQuantizer makes them (WEIGHT-FORMATS.md).
        boolean blockwise = plan.format().blockwise();
        writer.addRaw(
            WeightQuantizer.scaleName(slot.name()),
            blockwise ? DType.BF16 : DType.F32,
            new long[] {out, blockwise ? in / plan.blockSize() : 1},
            () -> result.get().quantization().scales().data());
      }
      long bytesOut = writer.write(target.resolve(TensorStore.SINGLE_FILE));
      current.release();
      writeConfig(configFile, target.resolve("config.json"), plan);
      copyOthers(source, target);
      return new Result(bytesIn, bytesOut, quantized, slots.size() - quantized);
    }
  }

  private static boolean quantizes(WeightLayout.Slot slot, QuantizationPlan plan) {
    if (slot.role() != WeightLayout.Role.PROJECTION) {
      return false;
    }
    return plan.lmHead() || !slot.name().equals("diffusion_head.weight");
  }

  /**
   * The one tensor being written: quantized when the writer reaches its codes, kept for its scales
   * (written right after: {@code X.weight_scale} sorts just after {@code X.weight}), then freed.
   */
  private static final class Current {
    private Tensor source;
    private Tensor quantized;
    private Arena arena;

    Tensor quantize(Tensor t, QuantizationPlan plan, Runnable announce) {
      if (source != t) {
        release();
        announce.run();
        arena = Arena.ofShared();
        quantized = WeightQuantizer.quantize(t, plan.format(), plan.blockSize(), arena);
        source = t;
      }
      return quantized;
    }

    void release() {
      if (arena != null) {
        arena.close();
        arena = null;
        source = null;
        quantized = null;
      }
    }
  }

  private static void progressLine(PrintStream progress, int index, int total, Tensor t) {
    progress.printf(
        Locale.ROOT,
        "ndd quantize: [%d/%d] %s %dx%d%n",
        index,
        total,
        t.name(),
        t.rows(),
        t.columns());
    progress.flush();
  }

  private static Tensor tensor(ModelWeights w, String name) {
    if (w.embedTokens().name().equals(name)) {
      return w.embedTokens();
    }
    if (w.finalNorm().name().equals(name)) {
      return w.finalNorm();
    }
    if (w.lmHead().name().equals(name)) {
      return w.lmHead();
    }
    for (LayerWeights l : w.layers()) {
      for (Tensor t : l.tensors()) {
        if (t.name().equals(name)) {
          return t;
        }
      }
    }
    throw new IllegalStateException("no tensor " + name);
  }

  private static void writeConfig(Path from, Path to, QuantizationPlan plan) throws IOException {
    JsonNode root;
    try {
      root = ConfigJson.JSON.readTree(FileAccess.readString(from));
    } catch (JsonProcessingException e) {
      throw new CheckpointFormatException(
          from + ": not valid JSON (" + e.getOriginalMessage() + ")", e);
    }
    ObjectNode config = (ObjectNode) root;
    ObjectNode entry =
        new QuantizationConfig(plan.format(), plan.format().blockwise() ? plan.blockSize() : 0)
            .toJson();
    entry.put("lm_head_quantized", plan.lmHead());
    config.set(QuantizationConfig.KEY, entry);
    Files.writeString(
        to, ConfigJson.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(config) + "\n");
  }

  /** Copies every file but the weights and config.json, and the draft adapter directory. */
  private static void copyOthers(Path source, Path target) throws IOException {
    try (Stream<Path> files = Files.list(source)) {
      for (Path p : files.toList()) {
        String name = p.getFileName().toString();
        if (name.equals("config.json")
            || name.endsWith(".safetensors")
            || name.equals(TensorStore.INDEX_FILE)) {
          continue;
        }
        if (Files.isRegularFile(p)) {
          Files.copy(p, target.resolve(name), StandardCopyOption.COPY_ATTRIBUTES);
        } else if (name.equals(Checkpoint.DRAFT_ADAPTER_DIR) && Files.isDirectory(p)) {
          Path dir = Files.createDirectories(target.resolve(name));
          try (Stream<Path> inner = Files.list(p)) {
            for (Path f : inner.toList()) {
              if (Files.isRegularFile(f)) {
                Files.copy(f, dir.resolve(f.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
              }
            }
          }
        }
      }
    }
  }
}
