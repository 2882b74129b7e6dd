package dev.inference.nemotron.pod.engine.cpu;

import dev.inference.nemotron.pod.model.DType;
import dev.inference.nemotron.pod.model.DraftAdapter;
import dev.inference.nemotron.pod.model.LayerWeights;
import dev.inference.nemotron.pod.model.ModelConfig;
import dev.inference.nemotron.pod.model.ModelWeights;
import dev.inference.nemotron.pod.model.RopeParameters;
import dev.inference.nemotron.pod.model.Tensor;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Small in-memory networks with seeded random weights for engine tests: projections in BF16, norms
 * and the embedding in F32. The shape has head_dim 16 with hidden 48 and 4 heads (so head_dim !=
 * hidden / heads), GQA groups of 2, and a YaRN config whose original context is 8 positions so that
 * short sequences cross it.
 */
final class RandomModel {
  static final int HIDDEN = 48;
  static final int HEADS = 4;
  static final int KV_HEADS = 2;
  static final int HEAD_DIM = 16;
  static final int INTERMEDIATE = 64;
  static final int VOCAB = 40;
  static final int LAYERS = 2;
  static final int MASK = 39;
  static final int LORA_RANK = 4;

  /**
   * YaRN with factor 4 over an original context of 8; beta_fast/slow chosen so the ramp spans pairs
   * 1..6 of 8 at theta 100, and mscale_all_dim 0 so that the attention factor is 1 + 0.1 ln 4.
   */
  static final RopeParameters YARN =
      new RopeParameters("yarn", 100.0, 4.0, 8, 0.5, 0.05, 1.0, 0.0, null, true, 0.1);

  static ModelConfig config() {
    return new ModelConfig(
        HIDDEN,
        LAYERS,
        INTERMEDIATE,
        HEADS,
        KV_HEADS,
        HEAD_DIM,
        VOCAB,
        1e-5,
        256,
        MASK,
        8,
        List.of(2),
        1,
        YARN);
  }

  static ModelWeights weights(long seed) {
    Random random = new Random(seed);
    List<LayerWeights> layers = new ArrayList<>();
    for (int l = 0; l < LAYERS; l++) {
      String p = "encoder.layers." + l + ".";
      layers.add(
          new LayerWeights(
              norm(p + "input_layernorm.weight", random),
              bf16(p + "self_attn.q_proj.weight", HEADS * HEAD_DIM, HIDDEN, random),
              bf16(p + "self_attn.k_proj.weight", KV_HEADS * HEAD_DIM, HIDDEN, random),
              bf16(p + "self_attn.v_proj.weight", KV_HEADS * HEAD_DIM, HIDDEN, random),
              bf16(p + "self_attn.o_proj.weight", HIDDEN, HEADS * HEAD_DIM, random),
              norm(p + "post_attention_layernorm.weight", random),
              bf16(p + "mlp.gate_proj.weight", INTERMEDIATE, HIDDEN, random),
              bf16(p + "mlp.up_proj.weight", INTERMEDIATE, HIDDEN, random),
              bf16(p + "mlp.down_proj.weight", HIDDEN, INTERMEDIATE, random)));
    }
    float[] embed = new float[VOCAB * HIDDEN];
    for (int i = 0; i < embed.length; i++) {
      embed[i] = random.nextFloat() * 2 - 1;
    }
    return new ModelWeights(
        Tensor.ofFloats("encoder.embed_tokens.weight", embed, VOCAB, HIDDEN),
        layers,
        norm("encoder.norm.weight", random),
        bf16("diffusion_head.weight", VOCAB, HIDDEN, random));
  }

  /** A draft LoRA strong enough to move the logits (scale 4, like the shipped alpha / r). */
  static DraftAdapter adapter(long seed) {
    Random random = new Random(seed);
    List<Tensor> a = new ArrayList<>();
    List<Tensor> b = new ArrayList<>();
    for (int l = 0; l < LAYERS; l++) {
      a.add(bf16("lora_A." + l, LORA_RANK, HEADS * HEAD_DIM, random));
      b.add(bf16("lora_B." + l, HIDDEN, LORA_RANK, random));
    }
    return new DraftAdapter(4.0, LORA_RANK, a, b);
  }

  /** Uniform weights of variance 1/in (so activations stay O(1)), rounded to BF16. */
  static Tensor bf16(String name, int rows, int cols, Random random) {
    short[] data = new short[rows * cols];
    double bound = Math.sqrt(3.0 / cols);
    for (int i = 0; i < data.length; i++) {
      float f = (float) ((random.nextDouble() * 2 - 1) * bound);
      data[i] = (short) (Float.floatToRawIntBits(f) >>> 16);
    }
    return new Tensor(name, DType.BF16, new long[] {rows, cols}, MemorySegment.ofArray(data));
  }

  private static Tensor norm(String name, Random random) {
    float[] w = new float[HIDDEN];
    for (int i = 0; i < w.length; i++) {
      w[i] = 1f + (random.nextFloat() - 0.5f) * 0.2f;
    }
    return Tensor.ofFloats(name, w, HIDDEN);
  }

  private RandomModel() {}
}
