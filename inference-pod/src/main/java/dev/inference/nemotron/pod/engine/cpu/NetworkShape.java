package dev.inference.nemotron.pod.engine.cpu;

import dev.inference.nemotron.pod.model.LayerWeights;
import dev.inference.nemotron.pod.model.ModelConfig;
import dev.inference.nemotron.pod.model.ModelWeights;
import dev.inference.nemotron.pod.model.Tensor;
import java.util.Arrays;

/** Checks that every tensor has the shape the config implies, naming the tensor when not. */
final class NetworkShape {
  private NetworkShape() {}

  static void check(ModelConfig c, ModelWeights w) {
    int h = c.hiddenSize();
    if (w.layers().size() != c.numHiddenLayers()) {
      throw new IllegalArgumentException(
          "weights hold "
              + w.layers().size()
              + " layers, config num_hidden_layers is "
              + c.numHiddenLayers());
    }
    require(w.embedTokens(), "embed_tokens", c.vocabSize(), h);
    require(w.finalNorm(), "norm", h);
    require(w.lmHead(), "diffusion_head", c.vocabSize(), h);
    for (int l = 0; l < w.layers().size(); l++) {
      LayerWeights lw = w.layers().get(l);
      String p = "layer " + l + " ";
      require(lw.inputNorm(), p + "input_layernorm", h);
      require(lw.qProj(), p + "q_proj", c.queryWidth(), h);
      require(lw.kProj(), p + "k_proj", c.kvWidth(), h);
      require(lw.vProj(), p + "v_proj", c.kvWidth(), h);
      require(lw.oProj(), p + "o_proj", h, c.queryWidth());
      require(lw.postAttentionNorm(), p + "post_attention_layernorm", h);
      require(lw.gateProj(), p + "gate_proj", c.intermediateSize(), h);
      require(lw.upProj(), p + "up_proj", c.intermediateSize(), h);
      require(lw.downProj(), p + "down_proj", h, c.intermediateSize());
    }
  }

  static void require(Tensor t, String what, long... shape) {
    if (!Arrays.equals(t.shape(), shape)) {
      throw new IllegalArgumentException(
          what
              + " ("
              + t.name()
              + ") has shape "
              + Arrays.toString(t.shape())
              + ", the config implies "
              + Arrays.toString(shape));
    }
  }
}
