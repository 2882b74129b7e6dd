package dev.inference.nemotron.pod.serve.api;

import java.util.Objects;

/**
 * One entry of {@code GET /v1/models}.
 *
 * @param id the name clients put in {@code model}
 * @param created when the model was loaded, in Unix seconds
 * @param ownedBy the organization that owns it, e.g. {@code nvidia}
 */
public record ModelCard(String id, long created, String ownedBy) {

  /** Checks that the parts are present. */
  public ModelCard {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(ownedBy, "ownedBy");
  }
}
