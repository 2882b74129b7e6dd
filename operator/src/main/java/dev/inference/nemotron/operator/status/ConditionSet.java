package dev.inference.nemotron.operator.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Conditions in the standard {@code metav1.Condition} shape, merged so that a condition whose
 * status did not change keeps its {@code lastTransitionTime}: the time tells when the state began,
 * not when the operator last looked.
 */
public final class ConditionSet {

  private final Map<String, Condition> previous = new LinkedHashMap<>();
  private final Map<String, Condition> next = new LinkedHashMap<>();
  private final long generation;
  private final String now;

  /**
   * @param previous the conditions in the current status (may be null)
   * @param generation the generation being reconciled
   * @param now the time of this reconciliation
   */
  public ConditionSet(List<Condition> previous, long generation, Instant now) {
    if (previous != null) {
      previous.forEach(c -> this.previous.put(c.getType(), c));
    }
    this.generation = generation;
    this.now = now.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  /** Sets condition {@code type}; reasons are CamelCase, messages say what to do. */
  public ConditionSet set(String type, boolean status, String reason, String message) {
    String value = status ? "True" : "False";
    Condition before = previous.get(type);
    String since =
        before != null && value.equals(before.getStatus()) && before.getLastTransitionTime() != null
            ? before.getLastTransitionTime()
            : now;
    next.put(
        type,
        new ConditionBuilder()
            .withType(type)
            .withStatus(value)
            .withReason(reason)
            .withMessage(message)
            .withObservedGeneration(generation)
            .withLastTransitionTime(since)
            .build());
    return this;
  }

  /** Keeps condition {@code type} as it was (e.g. conditions this reconciliation cannot judge). */
  public ConditionSet keep(String type) {
    Optional.ofNullable(previous.get(type)).ifPresent(c -> next.put(type, c));
    return this;
  }

  /** Whether the current status has condition {@code type}. */
  public boolean has(String type) {
    return previous.containsKey(type);
  }

  /** Whether {@code type} changed status, reason or message compared with before. */
  public boolean changed(String type) {
    Condition before = previous.get(type);
    Condition after = next.get(type);
    if (before == null || after == null) {
      return before != after;
    }
    return !Objects.equals(before.getStatus(), after.getStatus())
        || !Objects.equals(before.getReason(), after.getReason())
        || !Objects.equals(before.getMessage(), after.getMessage());
  }

  /** The merged conditions, in the order they were set. */
  public List<Condition> toList() {
    return new ArrayList<>(next.values());
  }
}
