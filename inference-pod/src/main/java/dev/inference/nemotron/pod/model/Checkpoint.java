package dev.inference.nemotron.pod.model;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A Hugging Face checkpoint directory, opened: the validated {@code config.json} (with the
 * end-of-sequence ids of an optional {@code generation_config.json} added), every tensor of
 * MODEL.md §3 memory-mapped from {@code model.safetensors} (or its shards) and checked against the
 * config, and the optional self-speculation draft adapter from {@code linear_spec_lora/}.
 *
 * <p>All files share one arena: {@link #close()} unmaps them, after which no tensor of this
 * checkpoint may be read. Opening reads only headers, so it is fast and its memory cost does not
 * grow with the model; the operating system pages the weights in as kernels touch them.
 *
 * <p>A tensor the network does not use is an error, not a warning: it means the checkpoint
 * describes a different network than the runtime would compute (a bias, an extra layer, a tied or
 * renamed head), and serving it anyway would produce confident nonsense. Only Hugging Face's
 * recomputed RoPE buffers ({@code rotary_emb.inv_freq}) are skipped.
 */
public final class Checkpoint implements AutoCloseable {
  /** The subdirectory holding the draft LoRA for self-speculation. */
  public static final String DRAFT_ADAPTER_DIR = "linear_spec_lora";

  private final Path directory;
  private final Arena arena;
  private final ModelConfig config;
  private final ModelWeights weights;
  private final DraftAdapter draftAdapter;

  private Checkpoint(
      Path directory,
      Arena arena,
      ModelConfig config,
      ModelWeights weights,
      DraftAdapter draftAdapter) {
    this.directory = directory;
    this.arena = arena;
    this.config = config;
    this.weights = weights;
    this.draftAdapter = draftAdapter;
  }

  /** Opens {@code dir} with its draft adapter, when it has one. */
  public static Checkpoint open(Path dir) throws IOException {
    return open(dir, true);
  }

  /**
   * Opens {@code dir}; with {@code loadDraftAdapter} false, {@code linear_spec_lora/} is not even
   * read (the CLI's {@code --lora none}).
   */
  public static Checkpoint open(Path dir, boolean loadDraftAdapter) throws IOException {
    return open(dir, loadDraftAdapter, null);
  }

  /**
   * Opens {@code dir}; with a {@code plan}, a float checkpoint's projections are quantized at load
   * (a checkpoint pre-quantized in the plan's format loads as stored; in another format it is an
   * error). Null {@code plan}: the weights as stored.
   */
  public static Checkpoint open(Path dir, boolean loadDraftAdapter, QuantizationPlan plan)
      throws IOException {
    FileAccess.Kind kind = FileAccess.kind(dir);
    if (kind != FileAccess.Kind.DIRECTORY) {
      throw new CheckpointFormatException(
          dir
              + ": not a checkpoint directory ("
              + (kind == FileAccess.Kind.MISSING ? "does not exist" : "not a directory")
              + ")");
    }
    Path configFile = dir.resolve("config.json");
    ModelConfig fromConfigJson = ConfigJson.read(configFile);
    ModelConfig config =
        fromConfigJson.withMoreEosTokenIds(
            GenerationConfigJson.eosTokenIds(
                dir.resolve(GenerationConfigJson.FILE_NAME), fromConfigJson.vocabSize()));
    Optional<QuantizationConfig> quantization = QuantizationConfig.read(configFile);
    Arena arena = Arena.ofShared();
    try {
      TensorStore store = TensorStore.open(dir, arena);
      ConfigAgreement.check(configFile, store, config);
      ModelWeights weights = weights(store, config, quantization);
      if (plan != null) {
        weights = QuantizedTensors.apply(weights, plan, quantization, configFile, arena);
      }
      Path loraDir = dir.resolve(DRAFT_ADAPTER_DIR);
      DraftAdapter adapter =
          loadDraftAdapter && FileAccess.kind(loraDir) == FileAccess.Kind.DIRECTORY
              ? DraftAdapterDirectory.read(loraDir, config, arena)
              : null;
      return new Checkpoint(dir, arena, config, weights, adapter);
    } catch (IOException | RuntimeException e) {
      arena.close();
      throw e;
    }
  }

  /**
   * Builds the weights from {@code store}, checking names, shapes and dtypes against the config.
   */
  static ModelWeights weights(TensorStore store, ModelConfig config)
      throws CheckpointFormatException {
    return weights(store, config, Optional.empty());
  }

  /**
   * {@link #weights(TensorStore, ModelConfig)} for a checkpoint that may be pre-quantized as {@code
   * quantization} says (each quantized projection with its scale tensor).
   */
  static ModelWeights weights(
      TensorStore store, ModelConfig config, Optional<QuantizationConfig> quantization)
      throws CheckpointFormatException {
    List<WeightLayout.Slot> slots = WeightLayout.slots(config);
    Set<String> expected = new HashSet<>();
    List<String> missing = new ArrayList<>();
    for (WeightLayout.Slot slot : slots) {
      expected.add(slot.name());
      expected.add(WeightQuantizer.scaleName(slot.name()));
      if (quantization.isPresent() && quantization.get().format() == QuantFormat.FP8) {
        expected.add(QuantizedTensors.inputScaleName(slot.name()));
      }
      if (!store.contains(slot.name())) {
        missing.add(slot.name());
      }
    }
    String where = describe(store);
    if (!missing.isEmpty()) {
      throw new CheckpointFormatException(
          where
              + ": "
              + missing.size()
              + " of the "
              + slots.size()
              + " tensors the config implies are missing: "
              + first(missing));
    }
    List<String> unexpected = new ArrayList<>();
    for (String name : store.names()) {
      if (!expected.contains(name) && !WeightLayout.isIgnoredBuffer(name)) {
        unexpected.add(name);
      }
    }
    if (!unexpected.isEmpty()) {
      throw new CheckpointFormatException(
          where
              + ": "
              + unexpected.size()
              + " tensor(s) that a "
              + config.numHiddenLayers()
              + "-layer Nemotron-Labs-Diffusion network does not use (config.json and the"
              + " weights disagree?): "
              + first(unexpected));
    }
    Map<String, Tensor> tensors = new HashMap<>();
    for (WeightLayout.Slot slot : slots) {
      tensors.put(slot.name(), QuantizedTensors.load(store, slot, quantization));
    }
    List<LayerWeights> layers = new ArrayList<>();
    for (int l = 0; l < config.numHiddenLayers(); l++) {
      layers.add(
          new LayerWeights(
              tensors.get(WeightLayout.layerTensor(l, "input_layernorm.weight")),
              tensors.get(WeightLayout.layerTensor(l, "self_attn.q_proj.weight")),
              tensors.get(WeightLayout.layerTensor(l, "self_attn.k_proj.weight")),
              tensors.get(WeightLayout.layerTensor(l, "self_attn.v_proj.weight")),
              tensors.get(WeightLayout.layerTensor(l, "self_attn.o_proj.weight")),
              tensors.get(WeightLayout.layerTensor(l, "post_attention_layernorm.weight")),
              tensors.get(WeightLayout.layerTensor(l, "mlp.gate_proj.weight")),
              tensors.get(WeightLayout.layerTensor(l, "mlp.up_proj.weight")),
              tensors.get(WeightLayout.layerTensor(l, "mlp.down_proj.weight"))));
    }
    return new ModelWeights(
        tensors.get("encoder.embed_tokens.weight"),
        layers,
        tensors.get("encoder.norm.weight"),
        tensors.get("diffusion_head.weight"));
  }

  private static String describe(TensorStore store) {
    List<SafetensorsFile> files = store.files();
    if (files.isEmpty()) {
      return "the weights (an empty weight_map)";
    }
    return files.size() == 1
        ? files.getFirst().file().toString()
        : files.getFirst().file().getParent() + " (" + files.size() + " safetensors shards)";
  }

  private static String first(List<String> names) {
    int shown = Math.min(names.size(), 8);
    String list = String.join(", ", names.subList(0, shown));
    return names.size() > shown ? list + ", ... (" + (names.size() - shown) + " more)" : list;
  }

  /** The checkpoint directory. */
  public Path directory() {
    return directory;
  }

  /** The validated config.json, its eos ids extended by generation_config.json's. */
  public ModelConfig config() {
    return config;
  }

  /** Every tensor of the network, slices of the mapped files (valid until {@link #close()}). */
  public ModelWeights weights() {
    return weights;
  }

  /** The draft LoRA, when {@code linear_spec_lora/} exists and was asked for. */
  public Optional<DraftAdapter> draftAdapter() {
    return Optional.ofNullable(draftAdapter);
  }

  /** Unmaps every file; the tensors must not be used afterwards. */
  @Override
  public void close() {
    arena.close();
  }
}
