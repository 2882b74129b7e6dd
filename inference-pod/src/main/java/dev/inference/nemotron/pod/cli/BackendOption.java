package dev.inference.nemotron.pod.cli;

import dev.inference.nemotron.pod.engine.ForwardPassFactory;
import dev.inference.nemotron.pod.engine.ForwardPassFactory.Backend;

/** The {@code --backend auto|cpu|cuda} option the model-running commands share. */
final class BackendOption {
  /** Its line in a command's usage. */
  static final String USAGE =
      "  --backend auto|cpu|cuda  engine (default: ndd.backend, else auto: the GPU when usable)";

  private BackendOption() {}

  /** The backend the option names, else the {@code ndd.backend} property, else auto. */
  static Backend of(CommandArgs args) {
    String value = args.string("backend", System.getProperty(ForwardPassFactory.PROPERTY, "auto"));
    try {
      return Backend.parse(value);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--backend: " + e.getMessage());
    }
  }
}
