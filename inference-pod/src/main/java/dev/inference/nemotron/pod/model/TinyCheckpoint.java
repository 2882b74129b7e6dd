package dev.inference.nemotron.pod.model;

import dev.inference.nemotron.pod.tokenizer.TinyTokenizerFiles;
import dev.inference.nemotron.pod.tokenizer.Tokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Generates a complete checkpoint directory in the real on-disk format (config.json,
 * generation_config.json, safetensors, tokenizer files, optionally the draft adapter) with seeded
 * random weights: the test bed for every part of the runtime without downloading 17 GB, and, at ~1B
 * parameters, a benchmark input.
 *
 * <p>Like the chat checkpoints it imitates, config.json names only the tokenizer's eos token, and
 * generation_config.json adds the chat end marker {@code <|im_end|>} when the tokenizer has one.
 */
public final class TinyCheckpoint {

  /**
   * What was written.
   *
   * @param dir the checkpoint directory
   * @param config the model's config as {@link Checkpoint#open} reads it: config.json's, with the
   *     eos ids of generation_config.json added
   * @param parameters parameters of the network (without the adapter)
   * @param bytes total size of the files written
   * @param files every file written
   */
  public record Written(
      Path dir, ModelConfig config, long parameters, long bytes, List<Path> files) {
    public Written {
      files = List.copyOf(files);
    }
  }

  /** The ChatML end-of-turn marker, where a chat model stops. */
  static final String CHAT_END = "<|im_end|>";

  private TinyCheckpoint() {}

  /** Writes the checkpoint of {@code spec} into {@code dir} (created; existing files replaced). */
  public static Written write(TinyCheckpointSpec spec, Path dir) throws IOException {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw FileAccess.failure("create the directory", dir, e);
    }
    List<Path> files = new ArrayList<>();
    TinyTokenizerFiles.Ids ids;
    if (spec.tokenizer() == null) {
      try {
        ids = TinyTokenizerFiles.write(dir, spec.vocab());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            e.getMessage() + "; for a larger vocabulary copy a real tokenizer (--tokenizer DIR)",
            e);
      }
      files.add(dir.resolve("tokenizer.json"));
      files.add(dir.resolve("tokenizer_config.json"));
    } else {
      ids = TokenizerCopy.copy(spec.tokenizer(), dir, files);
    }
    ModelConfig config =
        new ModelConfig(
            spec.hidden(),
            spec.layers(),
            spec.intermediate(),
            spec.heads(),
            spec.kvHeads(),
            spec.headDim(),
            ids.vocabularySize(),
            1e-5,
            spec.maxPositions(),
            ids.mask(),
            32,
            List.of(ids.eos()),
            ids.bos(),
            new RopeParameters(
                "yarn",
                spec.ropeTheta(),
                spec.ropeFactor(),
                spec.originalMaxPositions(),
                32,
                1,
                1,
                1,
                null,
                true,
                0.1));
    List<Integer> generationEos = new ArrayList<>(config.eosTokenIds());
    Tokenizer.load(dir).tokenId(CHAT_END).ifPresent(generationEos::add);
    Path generationConfig = dir.resolve(GenerationConfigJson.FILE_NAME);
    Files.writeString(
        generationConfig, GenerationConfigJson.toJson(config.bosTokenId(), generationEos));
    files.add(generationConfig);
    long bytes = 0;
    for (Path f : files) {
      bytes += Files.size(f);
    }
    RandomWeights.Written weights =
        RandomWeights.write(config, spec.dtype(), spec.seed(), spec.shards(), spec.loraRank(), dir);
    files.addAll(weights.files());
    return new Written(
        dir,
        config.withMoreEosTokenIds(generationEos),
        weights.parameters(),
        bytes + weights.bytes(),
        files);
  }
}
