package dev.inference.nemotron.operator.autoscale;

import dev.inference.nemotron.api.v1alpha1.Quantization;
import dev.inference.nemotron.operator.sizing.GpuClass;

/**
 * Forward passes per second one replica is assumed to reach at saturation until a saturated sample
 * measured it: a conservative starting point per GPU class and weight format, so that a new fleet
 * is sized neither at zero nor at the hardware's peak. The measured figure replaces it as soon as
 * requests queue (see {@link ControlLaw#capacity}); the decision's reason says which one was used.
 */
public final class ForwardProfile {
  private ForwardProfile() {}

  /** Sequence forwards per second per replica for {@code gpu} and {@code quantization}. */
  public static double forwardsPerSecond(GpuClass gpu, Quantization quantization) {
    // a batch of sequences at decode speed; memory-bound, so narrower weights read faster
    double base =
        switch (gpu) {
          case B200, GB200 -> 1600;
          case H200 -> 1200;
          case H100 -> 1000;
          case A100_80GB, A100_40GB -> 600;
          case L40S -> 400;
          case L4 -> 150;
          case CPU -> 10;
        };
    double format =
        quantization == null
            ? 1
            : switch (quantization) {
              case BF16 -> 1;
              case FP8, INT8 -> 1.6;
              case INT4 -> 2.2;
            };
    return base * format;
  }
}
