package dev.inference.nemotron.pod.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Writes a checkpoint's {@code config.json} and seeded random weights in the real on-disk format,
 * streaming tensor by tensor so that a billion-parameter checkpoint never sits on the heap.
 *
 * <p>Projections are uniform with standard deviation 1/sqrt(fan_in), so activations keep their
 * scale through the layers and logits are neither flat nor saturated; norm weights are 1 ± 0.1;
 * embeddings have unit standard deviation. Each tensor's values depend only on the seed and its
 * name, so a single file and shards hold identical weights.
 */
public final class RandomWeights {
  /** What was written. */
  public record Written(long parameters, long bytes, List<Path> files) {
    public Written {
      files = List.copyOf(files);
    }
  }

  private RandomWeights() {}

  /**
   * Writes {@code config.json}, the weights ({@code model.safetensors}, or {@code shards} files and
   * the index when {@code shards > 1}) and, when {@code loraRank > 0}, a draft adapter in {@code
   * linear_spec_lora/}.
   */
  public static Written write(
      ModelConfig config, DType dtype, long seed, int shards, int loraRank, Path dir)
      throws IOException {
    Files.createDirectories(dir);
    removeEarlierWeights(dir);
    List<Path> files = new ArrayList<>();
    Path configFile = dir.resolve("config.json");
    Files.writeString(configFile, ConfigJson.toJson(config));
    files.add(configFile);
    long bytes = Files.size(configFile);
    List<WeightLayout.Slot> slots = WeightLayout.slots(config);
    if (shards <= 1) {
      SafetensorsWriter writer = new SafetensorsWriter();
      slots.forEach(s -> add(writer, s, dtype, seed));
      Path file = dir.resolve(TensorStore.SINGLE_FILE);
      bytes += writer.write(file);
      files.add(file);
    } else {
      bytes += writeShards(slots, dtype, seed, shards, dir, files);
    }
    if (loraRank > 0) {
      bytes +=
          writeDraftAdapter(
              config, dtype, seed, loraRank, dir.resolve(Checkpoint.DRAFT_ADAPTER_DIR), files);
    }
    return new Written(WeightLayout.parameterCount(config), bytes, files);
  }

  /**
   * Deletes the weight files an earlier generation may have left in {@code dir}: a stale {@code
   * model.safetensors} would shadow new shards, and a stale adapter would not fit the new model.
   */
  private static void removeEarlierWeights(Path dir) throws IOException {
    Files.deleteIfExists(dir.resolve(TensorStore.SINGLE_FILE));
    Files.deleteIfExists(dir.resolve(TensorStore.INDEX_FILE));
    try (DirectoryStream<Path> shards =
        Files.newDirectoryStream(
            dir, "model-[0-9][0-9][0-9][0-9][0-9]-of-[0-9][0-9][0-9][0-9][0-9].safetensors")) {
      for (Path shard : shards) {
        Files.delete(shard);
      }
    }
    Path lora = dir.resolve(Checkpoint.DRAFT_ADAPTER_DIR);
    Files.deleteIfExists(lora.resolve(DraftAdapterDirectory.CONFIG_FILE));
    Files.deleteIfExists(lora.resolve(DraftAdapterDirectory.WEIGHTS_FILE));
    if (Files.isDirectory(lora)) {
      try (DirectoryStream<Path> rest = Files.newDirectoryStream(lora)) {
        if (!rest.iterator().hasNext()) {
          Files.delete(lora);
        }
      }
    }
  }

  private static long writeShards(
      List<WeightLayout.Slot> slots, DType dtype, long seed, int shards, Path dir, List<Path> files)
      throws IOException {
    if (shards > slots.size()) {
      throw new IllegalArgumentException(
          shards + " shards for " + slots.size() + " tensors: every shard needs a tensor");
    }
    long total = slots.stream().mapToLong(WeightLayout.Slot::elementCount).sum() * dtype.bytes();
    ObjectNode index = ConfigJson.JSON.createObjectNode();
    index.putObject("metadata").put("total_size", total);
    ObjectNode weightMap = index.putObject("weight_map");
    long bytes = 0;
    int next = 0;
    long written = 0;
    for (int s = 0; s < shards; s++) {
      String name = String.format("model-%05d-of-%05d.safetensors", s + 1, shards);
      SafetensorsWriter writer = new SafetensorsWriter();
      // Fill each shard up to its share of the bytes, leaving at least one tensor per later shard.
      long target = total * (s + 1) / shards;
      do {
        WeightLayout.Slot slot = slots.get(next++);
        add(writer, slot, dtype, seed);
        weightMap.put(slot.name(), name);
        written += slot.elementCount() * dtype.bytes();
      } while (next < slots.size() - (shards - 1 - s) && (written < target || s == shards - 1));
      Path file = dir.resolve(name);
      bytes += writer.write(file);
      files.add(file);
    }
    Path indexFile = dir.resolve(TensorStore.INDEX_FILE);
    Files.writeString(indexFile, pretty(index));
    files.add(indexFile);
    return bytes + Files.size(indexFile);
  }

  private static long writeDraftAdapter(
      ModelConfig config, DType dtype, long seed, int rank, Path loraDir, List<Path> files)
      throws IOException {
    Files.createDirectories(loraDir);
    ObjectNode adapter = ConfigJson.JSON.createObjectNode();
    adapter.put("peft_type", "LORA");
    adapter.put("r", rank);
    adapter.put("lora_alpha", 4 * rank);
    adapter.put("lora_dropout", 0.0);
    adapter.putArray("target_modules").add("o_proj");
    adapter.put("bias", "none");
    Path configFile = loraDir.resolve(DraftAdapterDirectory.CONFIG_FILE);
    Files.writeString(configFile, pretty(adapter));
    SafetensorsWriter writer = new SafetensorsWriter();
    for (int l = 0; l < config.numHiddenLayers(); l++) {
      String a = DraftAdapterDirectory.tensorName(l, 'A');
      String b = DraftAdapterDirectory.tensorName(l, 'B');
      writer.add(
          a,
          dtype,
          new long[] {rank, config.queryWidth()},
          uniform(seed, a, 1 / Math.sqrt(config.queryWidth()), 0));
      // PEFT starts B at zero; a trained adapter is not, and a zero B would hide draft-path bugs.
      writer.add(
          b,
          dtype,
          new long[] {config.hiddenSize(), rank},
          uniform(seed, b, 0.25 / Math.sqrt(rank), 0));
    }
    Path weights = loraDir.resolve(DraftAdapterDirectory.WEIGHTS_FILE);
    long bytes = writer.write(weights);
    files.add(configFile);
    files.add(weights);
    return bytes + Files.size(configFile);
  }

  private static void add(
      SafetensorsWriter writer, WeightLayout.Slot slot, DType dtype, long seed) {
    SafetensorsWriter.Elements values =
        switch (slot.role()) {
          case NORM -> uniform(seed, slot.name(), 0.1 / Math.sqrt(3), 1);
          case EMBEDDING -> uniform(seed, slot.name(), 1, 0);
          case PROJECTION -> uniform(seed, slot.name(), 1 / Math.sqrt(slot.fanIn()), 0);
        };
    writer.add(slot.name(), dtype, slot.shape(), values);
  }

  /**
   * Uniform values with the given standard deviation around {@code mean}, a stream fixed by the
   * seed and the tensor's name (blocks are requested in order, so one generator suffices).
   */
  private static SafetensorsWriter.Elements uniform(
      long seed, String name, double standardDeviation, double mean) {
    SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + name.hashCode());
    float halfWidth = (float) (standardDeviation * Math.sqrt(3));
    float center = (float) mean;
    return (first, block, count) -> {
      for (int i = 0; i < count; i++) {
        block[i] = center + halfWidth * (2 * (float) random.nextDouble() - 1);
      }
    };
  }

  private static String pretty(ObjectNode node) {
    try {
      return ConfigJson.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize a JSON tree", e);
    }
  }
}
