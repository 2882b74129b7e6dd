package dev.inference.nemotron.pod.model;

import java.util.List;

/**
 * One decoder layer's tensors (MODEL.md §3), shapes {@code [out, in]}.
 *
 * @param inputNorm {@code [H]}
 * @param qProj {@code [heads * headDim, H]}
 * @param kProj {@code [kvHeads * headDim, H]}
 * @param vProj {@code [kvHeads * headDim, H]}
 * @param oProj {@code [H, heads * headDim]}
 * @param postAttentionNorm {@code [H]}
 * @param gateProj {@code [I, H]}
 * @param upProj {@code [I, H]}
 * @param downProj {@code [H, I]}
 */
public record LayerWeights(
    Tensor inputNorm,
    Tensor qProj,
    Tensor kProj,
    Tensor vProj,
    Tensor oProj,
    Tensor postAttentionNorm,
    Tensor gateProj,
    Tensor upProj,
    Tensor downProj) {
  /** Every tensor of the layer, in checkpoint order (norms included). */
  public List<Tensor> tensors() {
    return List.of(
        inputNorm, qProj, kProj, vProj, oProj, postAttentionNorm, gateProj, upProj, downProj);
  }

  /** The seven projections (the matrices a quantization format applies to). */
  public List<Tensor> projections() {
    return List.of(qProj, kProj, vProj, oProj, gateProj, upProj, downProj);
  }
}
