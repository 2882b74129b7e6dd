package dev.inference.nemotron.pod.model;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks config.json's sizes against the tensors a checkpoint actually holds, before anything is
 * sized from the config. A config number is only a claim: {@code num_hidden_layers: 2147483647} or
 * a vocabulary a thousand times too large would otherwise size lists, caches and buffers from the
 * claim and exhaust the heap long before any per-tensor check ran. The safetensors headers are
 * small and already parsed, so each size the network derives from the config is compared with the
 * tensor that shows it: the layer count with the {@code encoder.layers.{l}} prefixes, {@code
 * hidden_size} and {@code vocab_size} with the embedding, the attention and MLP widths with layer
 * 0's projections. The error names config.json and the field.
 */
final class ConfigAgreement {
  private static final Pattern LAYER = Pattern.compile("encoder\\.layers\\.(\\d{1,9})\\..*");

  private ConfigAgreement() {}

  static void check(Path configFile, TensorStore store, ModelConfig config)
      throws CheckpointFormatException {
    checkLayerCount(configFile, store, config);
    int h = config.hiddenSize();
    String embed = "encoder.embed_tokens.weight";
    requireDim(configFile, store, embed, 1, h, "hidden_size");
    requireDim(configFile, store, embed, 0, config.vocabSize(), "vocab_size");
    requireDim(configFile, store, "diffusion_head.weight", 0, config.vocabSize(), "vocab_size");
    requireDim(
        configFile,
        store,
        WeightLayout.layerTensor(0, "self_attn.q_proj.weight"),
        0,
        config.queryWidth(),
        "num_attention_heads*head_dim");
    requireDim(
        configFile,
        store,
        WeightLayout.layerTensor(0, "self_attn.k_proj.weight"),
        0,
        config.kvWidth(),
        "num_key_value_heads*head_dim");
    requireDim(
        configFile,
        store,
        WeightLayout.layerTensor(0, "mlp.gate_proj.weight"),
        0,
        config.intermediateSize(),
        "intermediate_size");
  }

  /** The layers present are 0 .. n-1 for the n of num_hidden_layers. */
  private static void checkLayerCount(Path configFile, TensorStore store, ModelConfig config)
      throws CheckpointFormatException {
    TreeSet<Integer> layers = new TreeSet<>();
    for (String name : store.names()) {
      Matcher m = LAYER.matcher(name);
      if (m.matches() && !WeightLayout.isIgnoredBuffer(name)) {
        layers.add(Integer.parseInt(m.group(1)));
      }
    }
    int present = layers.isEmpty() ? 0 : layers.last() + 1;
    if (present != config.numHiddenLayers()) {
      String held =
          layers.isEmpty()
              ? "no encoder.layers.{l} tensors"
              : "layers encoder.layers.0 .. encoder.layers."
                  + layers.last()
                  + " ("
                  + layers.size()
                  + " distinct)";
      throw new CheckpointFormatException(
          configFile
              + ": num_hidden_layers is "
              + config.numHiddenLayers()
              + ", but "
              + weightsName(store)
              + " hold "
              + held
              + ": config.json and the weights disagree");
    }
  }

  /**
   * Dimension {@code dim} of the 2-D {@code tensor} (when present and 2-D; the per-tensor check
   * reports the rest) equals the config's {@code expected}.
   */
  private static void requireDim(
      Path configFile, TensorStore store, String tensor, int dim, long expected, String field)
      throws CheckpointFormatException {
    if (!store.contains(tensor)) {
      return;
    }
    long[] shape = store.shape(tensor);
    if (shape.length != 2 || shape[dim] == expected) {
      return;
    }
    throw new CheckpointFormatException(
        configFile
            + ": "
            + field
            + " is "
            + expected
            + ", but "
            + tensor
            + " in "
            + store.fileOf(tensor)
            + " has shape "
            + Arrays.toString(shape)
            + " (dimension "
            + dim
            + " is "
            + shape[dim]
            + "): config.json and the weights disagree");
  }

  private static String weightsName(TensorStore store) {
    return store.files().size() == 1
        ? store.files().getFirst().file().toString()
        : "the " + store.files().size() + " safetensors shards";
  }
}
