package dev.inference.nemotron.operator.autoscale;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the control law remembers of one fleet: recent samples (capacity is measured over them), its
 * own recent recommendations (scale-down takes the highest over the stabilization window), and when
 * the replica count last changed (cooldown). Immutable; {@link #with} returns the next one, trimmed
 * to {@link #KEEP}.
 *
 * @param replicas the replica count in force
 * @param samples scrapes, oldest first
 * @param recommendations the law's raw recommendations, oldest first
 * @param lastChange when the replica count last changed, if it did
 */
public record ScalingHistory(
    int replicas,
    List<FleetSample> samples,
    List<Recommendation> recommendations,
    Optional<Instant> lastChange) {

  /** How far back samples and recommendations are kept. */
  public static final Duration KEEP = Duration.ofMinutes(30);

  /** A raw recommendation and when it was made. */
  public record Recommendation(Instant at, int replicas) {}

  public ScalingHistory {
    samples = List.copyOf(samples);
    recommendations = List.copyOf(recommendations);
  }

  /** A fleet running {@code replicas} with nothing measured yet. */
  public static ScalingHistory start(int replicas) {
    return new ScalingHistory(replicas, List.of(), List.of(), Optional.empty());
  }

  /** The history with one more sample. */
  public ScalingHistory withSample(FleetSample sample) {
    List<FleetSample> next = new ArrayList<>(samples);
    next.add(sample);
    Instant horizon = sample.at().minus(KEEP);
    next.removeIf(s -> s.at().isBefore(horizon));
    return new ScalingHistory(replicas, next, recommendations, lastChange);
  }

  /** The history after {@code decision} was taken at {@code now}. */
  public ScalingHistory with(ScaleDecision decision, Instant now) {
    List<Recommendation> next = new ArrayList<>(recommendations);
    next.add(new Recommendation(now, decision.recommendation()));
    Instant horizon = now.minus(KEEP);
    next.removeIf(r -> r.at().isBefore(horizon));
    boolean changed = decision.replicas() != replicas;
    return new ScalingHistory(
        decision.replicas(), samples, next, changed ? Optional.of(now) : lastChange);
  }

  /** The newest sample, if any. */
  public Optional<FleetSample> latest() {
    return samples.isEmpty() ? Optional.empty() : Optional.of(samples.get(samples.size() - 1));
  }
}
