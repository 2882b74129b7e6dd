package dev.inference.nemotron.pod.serve.api;

import java.util.Objects;
import java.util.Set;

/**
 * One turn of a chat request, as the chat template takes it.
 *
 * @param role {@code system}, {@code user} or {@code assistant} (the API's {@code developer} role
 *     arrives here as {@code system})
 * @param content the turn's text; text parts of an array content are joined with newlines
 */
public record Message(String role, String content) {

  /** The roles a message may have after parsing. */
  public static final Set<String> ROLES = Set.of("system", "user", "assistant");

  /** Checks the role and that the content is present. */
  public Message {
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(content, "content");
    if (!ROLES.contains(role)) {
      throw new IllegalArgumentException(
          "a message role is system, user or assistant, got '" + role + "'");
    }
  }
}
