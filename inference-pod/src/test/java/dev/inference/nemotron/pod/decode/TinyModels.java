package dev.inference.nemotron.pod.decode;

import dev.inference.nemotron.pod.engine.Chunk;
import dev.inference.nemotron.pod.engine.KvCache;
import dev.inference.nemotron.pod.engine.cpu.CpuForwardPass;
import dev.inference.nemotron.pod.model.Checkpoint;
import dev.inference.nemotron.pod.model.DType;
import dev.inference.nemotron.pod.model.TinyCheckpoint;
import dev.inference.nemotron.pod.model.TinyCheckpointSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Random tiny checkpoints written in the real on-disk format and run by the real CPU forward pass:
 * H 32, 2 layers, 4 query heads of 16 over 2 kv heads, vocabulary 384; YaRN's original context is
 * 24 positions so that decoding crosses it (and the llama-4 query scale switches on).
 */
final class TinyModels {

  /** An opened checkpoint and its forward pass. */
  record Model(String name, Checkpoint checkpoint, CpuForwardPass pass) implements AutoCloseable {
    @Override
    public void close() {
      checkpoint.close();
    }

    /** The logits of the last row after a fresh CAUSAL prefill of {@code tokens}. */
    float[] nextTokenLogits(int[] tokens) {
      KvCache cache = pass.newCache(tokens.length);
      return pass.forward(cache, Chunk.causalWrite(tokens, 0, Chunk.lastRow(tokens.length)))
          .row(tokens.length - 1);
    }

    /** A fresh cache holding the causal K/V of {@code tokens}. */
    KvCache prefilled(int[] tokens) {
      KvCache cache = pass.newCache(tokens.length);
      pass.forward(cache, Chunk.causalWrite(tokens, 0, Chunk.lastRow(tokens.length)));
      return cache;
    }
  }

  private TinyModels() {}

  /**
   * Writes and opens checkpoint {@code seed}, with a draft LoRA of rank {@code loraRank} (0: none).
   */
  static Model open(Path root, long seed, int loraRank) throws IOException {
    TinyCheckpointSpec spec =
        new TinyCheckpointSpec(
            32, 2, 64, 4, 2, 16, 384, DType.BF16, seed, 24, 10000, 8, 1, loraRank, null);
    Path dir = root.resolve("tiny-" + seed + "-lora" + loraRank);
    TinyCheckpoint.write(spec, dir);
    Checkpoint checkpoint = Checkpoint.open(dir);
    CpuForwardPass pass =
        new CpuForwardPass(checkpoint.config(), checkpoint.weights(), checkpoint.draftAdapter());
    return new Model(
        "checkpoint seed " + seed + (loraRank > 0 ? " with LoRA r" + loraRank : ""),
        checkpoint,
        pass);
  }

  /** A random prompt of {@code length} ids, never the mask token. */
  static int[] prompt(SplittableRandom random, int length, int vocab, int mask) {
    int[] ids = new int[length];
    for (int i = 0; i < length; i++) {
      do {
        ids[i] = random.nextInt(vocab);
      } while (ids[i] == mask);
    }
    return ids;
  }

  static int[] concat(int[] a, int[] b) {
    int[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
