package dev.inference.nemotron.pod.engine.cpu;

import dev.inference.nemotron.pod.model.DraftAdapter;
import dev.inference.nemotron.pod.model.LayerWeights;
import dev.inference.nemotron.pod.model.ModelConfig;
import dev.inference.nemotron.pod.model.ModelWeights;
import dev.inference.nemotron.pod.model.RopeParameters;
import dev.inference.nemotron.pod.model.Tensor;

/**
 * MODEL.md §4 written out again in plain double-precision loops, independently of the engine, as
 * the oracle for golden tests. It processes a whole sequence at once with an explicit visibility
 * matrix over all its rows (a cached prefix is just rows that see causally).
 */
final class ReferenceNetwork {
  private final ModelConfig c;
  private final ModelWeights w;
  private final DraftAdapter draft; // null: no LoRA

  ReferenceNetwork(ModelConfig c, ModelWeights w, DraftAdapter draft) {
    this.c = c;
    this.w = w;
    this.draft = draft;
  }

  /**
   * Logits of every row: {@code sees[i][j]} says whether row i attends to row j; the draft LoRA
   * (when present) applies to the rows with {@code lora[i]} only (a cached prefix never has it).
   */
  double[][] logits(int[] tokens, int[] positions, boolean[][] sees, boolean[] lora) {
    int n = tokens.length;
    int hd = c.headDim();
    double[][] h = new double[n][];
    for (int i = 0; i < n; i++) {
      h[i] = row(w.embedTokens(), tokens[i]);
    }
    for (int l = 0; l < c.numHiddenLayers(); l++) {
      LayerWeights lw = w.layers().get(l);
      double[][] q = new double[n][];
      double[][] k = new double[n][];
      double[][] v = new double[n][];
      for (int i = 0; i < n; i++) {
        double[] x = rmsnorm(h[i], lw.inputNorm());
        q[i] = rope(times(lw.qProj(), x), c.numAttentionHeads(), positions[i]);
        k[i] = rope(times(lw.kProj(), x), c.numKeyValueHeads(), positions[i]);
        v[i] = times(lw.vProj(), x);
        double llama4 =
            1
                + c.rope().llama4ScalingBeta()
                    * Math.log(
                        1
                            + Math.floor(
                                (double) positions[i] / c.rope().originalMaxPositionEmbeddings()));
        for (int d = 0; d < q[i].length; d++) {
          q[i][d] *= llama4;
        }
      }
      double[][] next = new double[n][];
      for (int i = 0; i < n; i++) {
        double[] a = new double[c.numAttentionHeads() * hd];
        for (int head = 0; head < c.numAttentionHeads(); head++) {
          int kvHead = head / (c.numAttentionHeads() / c.numKeyValueHeads());
          double[] scores = new double[n];
          double max = Double.NEGATIVE_INFINITY;
          for (int j = 0; j < n; j++) {
            if (!sees[i][j]) {
              continue;
            }
            double s = 0;
            for (int d = 0; d < hd; d++) {
              s += q[i][head * hd + d] * k[j][kvHead * hd + d];
            }
            scores[j] = s / Math.sqrt(hd);
            max = Math.max(max, scores[j]);
          }
          double total = 0;
          for (int j = 0; j < n; j++) {
            scores[j] = sees[i][j] ? Math.exp(scores[j] - max) : 0;
            total += scores[j];
          }
          for (int j = 0; j < n; j++) {
            for (int d = 0; d < hd; d++) {
              a[head * hd + d] += scores[j] / total * v[j][kvHead * hd + d];
            }
          }
        }
        double[] o = times(lw.oProj(), a);
        if (draft != null && lora[i]) {
          double[] low = times(draft.loraA().get(l), a);
          double[] up = times(draft.loraB().get(l), low);
          for (int d = 0; d < o.length; d++) {
            o[d] += draft.scale() * up[d];
          }
        }
        double[] hi = h[i].clone();
        for (int d = 0; d < hi.length; d++) {
          hi[d] += o[d];
        }
        double[] x = rmsnorm(hi, lw.postAttentionNorm());
        double[] g = times(lw.gateProj(), x);
        double[] u = times(lw.upProj(), x);
        for (int d = 0; d < g.length; d++) {
          g[d] = g[d] / (1 + Math.exp(-g[d])) * u[d];
        }
        double[] down = times(lw.downProj(), g);
        for (int d = 0; d < hi.length; d++) {
          hi[d] += down[d];
        }
        next[i] = hi;
      }
      h = next;
    }
    double[][] out = new double[n][];
    for (int i = 0; i < n; i++) {
      out[i] = times(w.lmHead(), rmsnorm(h[i], w.finalNorm()));
    }
    return out;
  }

  private double[] rmsnorm(double[] x, Tensor weight) {
    double ss = 0;
    for (double e : x) {
      ss += e * e;
    }
    double inv = 1 / Math.sqrt(ss / x.length + c.rmsNormEps());
    double[] out = new double[x.length];
    for (int d = 0; d < x.length; d++) {
      out[d] = x[d] * inv * weight.get(d);
    }
    return out;
  }

  /** {@code W x} for {@code W [out, in]}. */
  private static double[] times(Tensor m, double[] x) {
    int rows = (int) m.dim(0);
    int cols = (int) m.dim(1);
    double[] out = new double[rows];
    for (int r = 0; r < rows; r++) {
      double s = 0;
      for (int col = 0; col < cols; col++) {
        s += m.get((long) r * cols + col) * x[col];
      }
      out[r] = s;
    }
    return out;
  }

  private static double[] row(Tensor m, int r) {
    int cols = (int) m.dim(1);
    double[] out = new double[cols];
    for (int col = 0; col < cols; col++) {
      out[col] = m.get((long) r * cols + col);
    }
    return out;
  }

  /** Rotate-half RoPE with YaRN frequencies, every head of one row. */
  private double[] rope(double[] x, int heads, int pos) {
    int hd = c.headDim();
    double[] inv = yarnInverseFrequencies(c.rope(), hd);
    double af = yarnAttentionFactor(c.rope());
    double[] out = x.clone();
    for (int head = 0; head < heads; head++) {
      for (int i = 0; i < hd / 2; i++) {
        double cos = Math.cos(pos * inv[i]) * af;
        double sin = Math.sin(pos * inv[i]) * af;
        double x1 = x[head * hd + i];
        double x2 = x[head * hd + i + hd / 2];
        out[head * hd + i] = x1 * cos - x2 * sin;
        out[head * hd + i + hd / 2] = x2 * cos + x1 * sin;
      }
    }
    return out;
  }

  /** MODEL.md §4's YaRN inverse frequencies, line by line. */
  static double[] yarnInverseFrequencies(RopeParameters p, int dim) {
    double base = p.theta();
    double orig = p.originalMaxPositionEmbeddings();
    double low =
        Math.max(
            0,
            Math.floor(dim * Math.log(orig / (p.betaFast() * 2 * Math.PI)) / (2 * Math.log(base))));
    double high =
        Math.min(
            dim - 1,
            Math.ceil(dim * Math.log(orig / (p.betaSlow() * 2 * Math.PI)) / (2 * Math.log(base))));
    if (low == high) {
      high += 0.001;
    }
    double[] inv = new double[dim / 2];
    for (int i = 0; i < dim / 2; i++) {
      double f = Math.pow(base, 2.0 * i / dim);
      double extrap = 1 / f;
      double interp = 1 / (p.factor() * f);
      double ramp = Math.min(1, Math.max(0, (i - low) / (high - low)));
      double keep = 1 - ramp;
      inv[i] = interp * (1 - keep) + extrap * keep;
    }
    return inv;
  }

  static double yarnAttentionFactor(RopeParameters p) {
    return mscale(p.factor(), p.mscale()) / mscale(p.factor(), p.mscaleAllDim());
  }

  private static double mscale(double s, double m) {
    return s <= 1 ? 1 : 0.1 * m * Math.log(s) + 1;
  }
}
