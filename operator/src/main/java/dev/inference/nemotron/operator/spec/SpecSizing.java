package dev.inference.nemotron.operator.spec;

import dev.inference.nemotron.api.v1alpha1.NemotronDiffusionDeploymentSpec;
import dev.inference.nemotron.operator.sizing.GpuClass;
import dev.inference.nemotron.operator.sizing.ModelShape;
import dev.inference.nemotron.operator.sizing.SizingRequest;
import dev.inference.nemotron.operator.sizing.WeightFormat;
import java.util.Objects;

/** Maps a validated spec onto the sizing's own types (the sizing does not know the API). */
public final class SpecSizing {

  private SpecSizing() {}

  /**
   * The sizing request of a spec that passed {@link SpecValidation}. An object stored before the
   * API had the context fields lacks them; it is sized with the API's defaults.
   */
  public static SizingRequest request(NemotronDiffusionDeploymentSpec spec) {
    return new SizingRequest(
        switch (spec.getModel().getSize()) {
          case SIZE_3B -> ModelShape.B3;
          case SIZE_8B -> ModelShape.B8;
          case SIZE_14B -> ModelShape.B14;
        },
        WeightFormat.valueOf(spec.getQuantization().name()),
        gpuClass(spec),
        Objects.requireNonNullElse(spec.getGpu().getCount(), 0),
        Objects.requireNonNullElse(
            spec.getMaxContextLength(), NemotronDiffusionDeploymentSpec.DEFAULT_MAX_CONTEXT_LENGTH),
        Objects.requireNonNullElse(
            spec.getMaxConcurrentSequences(),
            NemotronDiffusionDeploymentSpec.DEFAULT_MAX_CONCURRENT_SEQUENCES));
  }

  /** The catalogue entry of the spec's GPU class (the enums share their constant names). */
  public static GpuClass gpuClass(NemotronDiffusionDeploymentSpec spec) {
    return GpuClass.valueOf(spec.getGpu().getGpuClass().name());
  }
}
