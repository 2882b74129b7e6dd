package dev.inference.nemotron.pod.serve.config;

import java.util.Objects;

/**
 * {@code modes} in runtime.yaml: which mode requests without one get, and each mode's settings.
 *
 * @param mix the shares of requests that name no mode
 * @param diffusion settings of the diffusion mode
 * @param selfSpeculation settings of the self-speculation mode
 */
public record ModesSettings(
    ModeMix mix, DiffusionSettings diffusion, SpeculationSettings selfSpeculation) {

  /** The operator's defaults: every request self-speculates, blocks of 32. */
  public static final ModesSettings DEFAULTS =
      new ModesSettings(ModeMix.DEFAULT, DiffusionSettings.DEFAULTS, SpeculationSettings.DEFAULTS);

  /** Checks that the parts are present. */
  public ModesSettings {
    Objects.requireNonNull(mix, "mix");
    Objects.requireNonNull(diffusion, "diffusion");
    Objects.requireNonNull(selfSpeculation, "selfSpeculation");
  }
}
