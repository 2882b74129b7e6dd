package dev.inference.nemotron.pod.fetch;

/**
 * A model repository on the Hugging Face Hub.
 *
 * @param org the owner ({@code nvidia})
 * @param name the repository's name
 */
public record HubRepository(String org, String name) {

  /** {@code ORG/NAME}, as the Hub spells it. */
  public String id() {
    return org + "/" + name;
  }

  @Override
  public String toString() {
    return id();
  }
}
