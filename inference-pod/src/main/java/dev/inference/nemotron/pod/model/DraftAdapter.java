package dev.inference.nemotron.pod.model;

import java.util.List;

/**
 * The self-speculation draft LoRA on {@code o_proj} ({@code linear_spec_lora/}): in draft forwards
 * the layer's output projection is {@code W_o + scale * B A}. Used only in draft forwards (MODEL.md
 * §3).
 *
 * @param scale {@code lora_alpha / r}
 * @param rank {@code r}
 * @param loraA per layer, {@code [r, heads * headDim]}
 * @param loraB per layer, {@code [H, r]}
 */
public record DraftAdapter(double scale, int rank, List<Tensor> loraA, List<Tensor> loraB) {
  public DraftAdapter {
    loraA = List.copyOf(loraA);
    loraB = List.copyOf(loraB);
    if (loraA.size() != loraB.size()) {
      throw new IllegalArgumentException(
          "draft adapter has " + loraA.size() + " lora_A but " + loraB.size() + " lora_B tensors");
    }
  }
}
