package dev.inference.nemotron.pod.fetch;

import java.util.List;
import java.util.Set;

/**
 * The files of a checkpoint repository the runtime reads, and only those: a Hub repository also
 * holds READMEs, images, PyTorch {@code .bin} or GGUF copies of the same weights and other variants
 * in subfolders, which would double the download and the cache.
 */
public final class RuntimeFiles {
  /** Files at the repository's root that the runtime reads. */
  private static final Set<String> ROOT_FILES =
      Set.of(
          "config.json",
          "generation_config.json",
          "model.safetensors.index.json",
          "tokenizer.json",
          "tokenizer_config.json",
          "tokenizer.jinja",
          "chat_template.jinja",
          "special_tokens_map.json");

  /** The self-speculation draft adapter (MODEL.md §3). */
  private static final Set<String> DRAFT_ADAPTER_FILES =
      Set.of("linear_spec_lora/adapter_config.json", "linear_spec_lora/adapter_model.safetensors");

  private RuntimeFiles() {}

  /** Whether the runtime reads the file at {@code path} (a repository path, '/'-separated). */
  public static boolean needed(String path) {
    if (ROOT_FILES.contains(path) || DRAFT_ADAPTER_FILES.contains(path)) {
      return true;
    }
    // the weights: model.safetensors or its shards, at the root only
    return path.endsWith(".safetensors") && path.indexOf('/') < 0;
  }

  /** The files of {@code listing} the runtime reads, in the listing's order. */
  public static List<HubFile> select(List<HubFile> listing) {
    return listing.stream().filter(f -> needed(f.path())).toList();
  }
}
