package dev.inference.nemotron.pod.model;

import java.util.List;

/**
 * Every tensor of the network (MODEL.md §3), validated against the config when built from a
 * checkpoint.
 *
 * @param embedTokens {@code [vocab, H]}
 * @param layers the decoder layers in order
 * @param finalNorm {@code [H]}
 * @param lmHead {@code diffusion_head.weight}, {@code [vocab, H]} (untied)
 */
public record ModelWeights(
    Tensor embedTokens, List<LayerWeights> layers, Tensor finalNorm, Tensor lmHead) {
  public ModelWeights {
    layers = List.copyOf(layers);
  }
}
