package dev.inference.nemotron.operator.autoscale;

import java.util.Map;

/**
 * What the control law decided and why.
 *
 * @param replicas the replica count to run
 * @param recommendation the count the load alone asked for, before stabilization, cooldown, rate
 *     limits and bounds (kept in the history: scale-down looks at the highest over its window)
 * @param reason one sentence a person can read, with the numbers that drove the decision
 * @param inputs the numbers by name (for status, Events and metrics)
 */
public record ScaleDecision(
    int replicas, int recommendation, String reason, Map<String, Double> inputs) {

  public ScaleDecision {
    inputs = Map.copyOf(inputs);
  }
}
