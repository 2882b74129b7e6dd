package dev.inference.nemotron.pod.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The tensors of a checkpoint directory, across its safetensors files: either one {@code
 * model.safetensors} or the shards named by {@code model.safetensors.index.json}'s {@code
 * weight_map}. Each file is mapped once into the checkpoint's arena.
 */
public final class TensorStore {
  /** The single-file weights name. */
  public static final String SINGLE_FILE = "model.safetensors";

  /** The sharded weights' index name. */
  public static final String INDEX_FILE = "model.safetensors.index.json";

  private final Map<String, SafetensorsFile> byTensor;
  private final List<SafetensorsFile> files;

  private TensorStore(Map<String, SafetensorsFile> byTensor, List<SafetensorsFile> files) {
    this.byTensor = byTensor;
    this.files = List.copyOf(files);
  }

  /**
   * Maps the weights of {@code dir}: {@code model.safetensors} when present (as Hugging Face
   * prefers it), otherwise the index and its shards.
   */
  public static TensorStore open(Path dir, Arena arena) throws IOException {
    Path single = dir.resolve(SINGLE_FILE);
    if (FileAccess.kind(single) == FileAccess.Kind.FILE) {
      SafetensorsFile file = SafetensorsFile.map(single, arena);
      Map<String, SafetensorsFile> byTensor = new TreeMap<>();
      file.names().forEach(n -> byTensor.put(n, file));
      return new TensorStore(byTensor, List.of(file));
    }
    Path index = dir.resolve(INDEX_FILE);
    if (FileAccess.kind(index) == FileAccess.Kind.FILE) {
      return openSharded(dir, index, arena);
    }
    throw new CheckpointFormatException(
        dir + ": no weights: expected " + SINGLE_FILE + " or " + INDEX_FILE);
  }

  private static TensorStore openSharded(Path dir, Path index, Arena arena) throws IOException {
    JsonNode root;
    try {
      root = ConfigJson.JSON.readTree(FileAccess.readString(index));
    } catch (JsonProcessingException e) {
      throw new CheckpointFormatException(
          index + ": not valid JSON (" + e.getOriginalMessage() + ")", e);
    }
    JsonNode weightMap = root == null ? null : root.get("weight_map");
    if (weightMap == null || !weightMap.isObject()) {
      throw new CheckpointFormatException(
          index + ": weight_map is required: an object mapping tensor names to shard files");
    }
    Path base = dir.toAbsolutePath().normalize();
    Map<String, SafetensorsFile> shards = new LinkedHashMap<>();
    Map<String, SafetensorsFile> byTensor = new TreeMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = weightMap.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String tensor = e.getKey();
      if (!e.getValue().isTextual()) {
        throw new CheckpointFormatException(
            index + ": weight_map." + tensor + " must be a file name, got " + e.getValue());
      }
      String shardName = e.getValue().asText();
      Path shardPath = base.resolve(shardName).normalize();
      if (!base.equals(shardPath.getParent())) {
        throw new CheckpointFormatException(
            index
                + ": weight_map."
                + tensor
                + " names "
                + shardName
                + ", expected a file directly inside "
                + dir);
      }
      SafetensorsFile shard = shards.get(shardName);
      if (shard == null) {
        if (FileAccess.kind(shardPath) != FileAccess.Kind.FILE) {
          throw new CheckpointFormatException(
              index + ": shard " + shardName + " (holding " + tensor + ") does not exist");
        }
        shard = SafetensorsFile.map(shardPath, arena);
        shards.put(shardName, shard);
      }
      if (!shard.contains(tensor)) {
        throw new CheckpointFormatException(
            index
                + " lists tensor "
                + tensor
                + " in "
                + shardName
                + ", but "
                + shardPath
                + " has no such tensor");
      }
      byTensor.put(tensor, shard);
    }
    return new TensorStore(byTensor, List.copyOf(shards.values()));
  }

  /** Every tensor name, sorted. */
  public Set<String> names() {
    return byTensor.keySet();
  }

  public boolean contains(String name) {
    return byTensor.containsKey(name);
  }

  /** The file holding {@code name}. */
  public Path fileOf(String name) throws CheckpointFormatException {
    return file(name).file();
  }

  /** The header shape of {@code name}. */
  public long[] shape(String name) throws CheckpointFormatException {
    return file(name).shape(name);
  }

  /** The tensor {@code name}, a slice of its file's mapping. */
  public Tensor tensor(String name) throws CheckpointFormatException {
    return file(name).tensor(name);
  }

  /** The mapped files. */
  public List<SafetensorsFile> files() {
    return files;
  }

  private SafetensorsFile file(String name) throws CheckpointFormatException {
    SafetensorsFile f = byTensor.get(name);
    if (f == null) {
      throw new CheckpointFormatException("no tensor named " + name + " in the checkpoint");
    }
    return f;
  }
}
