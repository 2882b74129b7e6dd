package dev.inference.nemotron.pod.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The 9 * layers + 3 tensors a config implies (MODEL.md §3), with their shapes: what the loader
 * requires and what the tiny-checkpoint generator writes.
 */
public final class WeightLayout {

  /** What a tensor is, which decides how the generator initialises it. */
  public enum Role {
    /** An RMSNorm weight, near 1. */
    NORM,
    /** The token embedding. */
    EMBEDDING,
    /** A projection {@code [out, in]}, scaled by 1/sqrt(in). */
    PROJECTION
  }

  /**
   * One expected tensor.
   *
   * @param name safetensors name
   * @param shape expected shape
   * @param dims the shape in config terms, for error messages ({@code [hidden_size=64]})
   * @param role how it is used
   */
  public record Slot(String name, long[] shape, String dims, Role role) {
    /** Elements in the tensor. */
    public long elementCount() {
      return Arrays.stream(shape).reduce(1, Math::multiplyExact);
    }

    /** The input width of a projection or embedding (the last dimension). */
    public long fanIn() {
      return shape[shape.length - 1];
    }
  }

  private WeightLayout() {}

  /** The name of layer {@code l}'s tensor {@code suffix}. */
  public static String layerTensor(int l, String suffix) {
    return "encoder.layers." + l + "." + suffix;
  }

  /** Every tensor of the network in file order: embedding, layer by layer, final norm, head. */
  public static List<Slot> slots(ModelConfig c) {
    String h = "hidden_size=" + c.hiddenSize();
    String v = "vocab_size=" + c.vocabSize();
    String q = "num_attention_heads*head_dim=" + c.queryWidth();
    String kv = "num_key_value_heads*head_dim=" + c.kvWidth();
    String i = "intermediate_size=" + c.intermediateSize();
    List<Slot> slots = new ArrayList<>();
    slots.add(
        slot("encoder.embed_tokens.weight", Role.EMBEDDING, v, c.vocabSize(), h, c.hiddenSize()));
    for (int l = 0; l < c.numHiddenLayers(); l++) {
      slots.add(slot(layerTensor(l, "input_layernorm.weight"), Role.NORM, h, c.hiddenSize()));
      slots.add(proj(l, "self_attn.q_proj.weight", q, c.queryWidth(), h, c.hiddenSize()));
      slots.add(proj(l, "self_attn.k_proj.weight", kv, c.kvWidth(), h, c.hiddenSize()));
      slots.add(proj(l, "self_attn.v_proj.weight", kv, c.kvWidth(), h, c.hiddenSize()));
      slots.add(proj(l, "self_attn.o_proj.weight", h, c.hiddenSize(), q, c.queryWidth()));
      slots.add(
          slot(layerTensor(l, "post_attention_layernorm.weight"), Role.NORM, h, c.hiddenSize()));
      slots.add(proj(l, "mlp.gate_proj.weight", i, c.intermediateSize(), h, c.hiddenSize()));
      slots.add(proj(l, "mlp.up_proj.weight", i, c.intermediateSize(), h, c.hiddenSize()));
      slots.add(proj(l, "mlp.down_proj.weight", h, c.hiddenSize(), i, c.intermediateSize()));
    }
    slots.add(slot("encoder.norm.weight", Role.NORM, h, c.hiddenSize()));
    slots.add(slot("diffusion_head.weight", Role.PROJECTION, v, c.vocabSize(), h, c.hiddenSize()));
    return slots;
  }

  /** Total parameters of the network. */
  public static long parameterCount(ModelConfig c) {
    return slots(c).stream().mapToLong(Slot::elementCount).sum();
  }

  /**
   * Whether {@code name} is a buffer that Hugging Face may save alongside the weights and that the
   * runtime recomputes itself ({@code rotary_emb.inv_freq}).
   */
  public static boolean isIgnoredBuffer(String name) {
    return name.endsWith("rotary_emb.inv_freq") || name.contains(".rotary_emb.");
  }

  private static Slot proj(int l, String suffix, String outDim, int out, String inDim, int in) {
    return slot(layerTensor(l, suffix), Role.PROJECTION, outDim, out, inDim, in);
  }

  private static Slot slot(String name, Role role, String dim, int size) {
    return new Slot(name, new long[] {size}, "[" + dim + "]", role);
  }

  private static Slot slot(String name, Role role, String outDim, int out, String inDim, int in) {
    return new Slot(name, new long[] {out, in}, "[" + outDim + ", " + inDim + "]", role);
  }
}
