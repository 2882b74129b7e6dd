package dev.inference.nemotron.pod.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the self-speculation draft LoRA from a PEFT adapter directory ({@code linear_spec_lora/}:
 * {@code adapter_config.json} + {@code adapter_model.safetensors}), MODEL.md §3.
 *
 * <p>PEFT prefixes tensor names with whatever wrapped the model when it saved ({@code
 * base_model.model.encoder.layers.0...}, {@code base_model.model.model.encoder...}, or none) and
 * older versions keep the adapter name ({@code lora_A.default.weight}); every such spelling is
 * accepted, as long as each layer has exactly one A and one B.
 */
public final class DraftAdapterDirectory {
  /** The adapter's config file. */
  public static final String CONFIG_FILE = "adapter_config.json";

  /** The adapter's weights file. */
  public static final String WEIGHTS_FILE = "adapter_model.safetensors";

  private static final Pattern LORA_NAME =
      Pattern.compile(
          "(?:.*\\.)?layers\\.(\\d+)\\.self_attn\\.o_proj\\.lora_([AB])(?:\\.[A-Za-z0-9_-]+)?"
              + "\\.weight");

  private DraftAdapterDirectory() {}

  /** The canonical PEFT name of layer {@code l}'s {@code lora_A} or {@code lora_B} weight. */
  public static String tensorName(int layer, char aOrB) {
    return "base_model.model.encoder.layers."
        + layer
        + ".self_attn.o_proj.lora_"
        + aOrB
        + ".weight";
  }

  /** Reads and validates the adapter in {@code dir} against the base model's config. */
  public static DraftAdapter read(Path dir, ModelConfig config, Arena arena) throws IOException {
    Path configFile = dir.resolve(CONFIG_FILE);
    JsonNode root;
    try {
      root = ConfigJson.JSON.readTree(Files.readString(configFile));
    } catch (NoSuchFileException e) {
      throw new CheckpointFormatException(configFile + ": not found (the draft adapter's config)");
    } catch (JsonProcessingException e) {
      throw new CheckpointFormatException(
          configFile + ": not valid JSON (" + e.getOriginalMessage() + ")", e);
    } catch (IOException e) {
      throw FileAccess.failure("read", configFile, e);
    }
    if (root == null || !root.isObject()) {
      throw new CheckpointFormatException(configFile + ": expected a JSON object");
    }
    int rank = positiveInt(configFile, root, "r");
    double alpha = positiveNumber(configFile, root, "lora_alpha");
    checkTargetModules(configFile, root.get("target_modules"));
    for (String pattern : List.of("rank_pattern", "alpha_pattern")) {
      JsonNode p = root.get(pattern);
      if (p != null && !p.isNull() && !p.isEmpty()) {
        throw new CheckpointFormatException(
            configFile
                + ": "
                + pattern
                + " is not supported (one r and lora_alpha for all layers)");
      }
    }
    JsonNode rslora = root.get("use_rslora");
    // rsLoRA scales by alpha / sqrt(r) instead of alpha / r.
    double scale =
        rslora != null && rslora.asBoolean(false) ? alpha / Math.sqrt(rank) : alpha / rank;

    SafetensorsFile weights = SafetensorsFile.map(dir.resolve(WEIGHTS_FILE), arena);
    int layers = config.numHiddenLayers();
    String[][] names = new String[2][layers];
    for (String name : weights.names()) {
      Matcher m = LORA_NAME.matcher(name);
      if (!m.matches()) {
        throw new CheckpointFormatException(
            weights.file()
                + ": tensor "
                + name
                + " is not an o_proj lora_A/lora_B weight (expected names like "
                + tensorName(0, 'A')
                + ")");
      }
      int layer = Integer.parseInt(m.group(1));
      int kind = m.group(2).equals("A") ? 0 : 1;
      if (layer >= layers) {
        throw new CheckpointFormatException(
            weights.file()
                + ": tensor "
                + name
                + " is for layer "
                + layer
                + ", but the model has "
                + layers
                + " layers");
      }
      if (names[kind][layer] != null) {
        throw new CheckpointFormatException(
            weights.file() + ": tensors " + names[kind][layer] + " and " + name + " are the same");
      }
      names[kind][layer] = name;
    }
    List<Tensor> loraA = new ArrayList<>();
    List<Tensor> loraB = new ArrayList<>();
    for (int l = 0; l < layers; l++) {
      loraA.add(
          tensor(weights, names[0][l], l, 'A', rank, "r", config.queryWidth(), "heads*head_dim"));
      loraB.add(
          tensor(weights, names[1][l], l, 'B', config.hiddenSize(), "hidden_size", rank, "r"));
    }
    return new DraftAdapter(scale, rank, loraA, loraB);
  }

  private static Tensor tensor(
      SafetensorsFile file,
      String name,
      int layer,
      char kind,
      long rows,
      String rowsDim,
      long columns,
      String columnsDim)
      throws CheckpointFormatException {
    if (name == null) {
      throw new CheckpointFormatException(
          file.file()
              + ": layer "
              + layer
              + " has no lora_"
              + kind
              + " tensor (expected "
              + tensorName(layer, kind)
              + ")");
    }
    long[] shape = file.shape(name);
    long[] expected = {rows, columns};
    if (!Arrays.equals(shape, expected)) {
      throw new CheckpointFormatException(
          file.file()
              + ": tensor "
              + name
              + " has shape "
              + Arrays.toString(shape)
              + ", expected ["
              + rowsDim
              + "="
              + rows
              + ", "
              + columnsDim
              + "="
              + columns
              + "]");
    }
    return file.tensor(name);
  }

  private static void checkTargetModules(Path file, JsonNode modules)
      throws CheckpointFormatException {
    List<String> names = new ArrayList<>();
    if (modules != null && modules.isTextual()) {
      names.add(modules.asText());
    } else if (modules != null && modules.isArray()) {
      modules.forEach(m -> names.add(m.asText()));
    }
    if (!names.contains("o_proj")) {
      throw new CheckpointFormatException(
          file + ": target_modules must contain o_proj (the draft LoRA's module), got " + modules);
    }
    if (names.size() > 1) {
      // Dropping the other modules' updates would silently draft with a different adapter.
      throw new CheckpointFormatException(
          file
              + ": target_modules "
              + modules
              + " adapts more than o_proj, which is not supported");
    }
  }

  private static int positiveInt(Path file, JsonNode root, String field)
      throws CheckpointFormatException {
    JsonNode v = root.get(field);
    if (v == null || !v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() <= 0) {
      throw new CheckpointFormatException(
          file + ": " + field + " must be a positive integer, got " + v);
    }
    return v.intValue();
  }

  private static double positiveNumber(Path file, JsonNode root, String field)
      throws CheckpointFormatException {
    JsonNode v = root.get(field);
    if (v == null || !v.isNumber() || !(v.doubleValue() > 0)) {
      throw new CheckpointFormatException(
          file + ": " + field + " must be a positive number, got " + v);
    }
    return v.doubleValue();
  }
}
