package dev.inference.nemotron.operator.autoscale;

import dev.inference.nemotron.api.v1alpha1.ModeAdvice;
import dev.inference.nemotron.api.v1alpha1.ModeBounds;
import dev.inference.nemotron.api.v1alpha1.ShareRange;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The adaptive mode policy ({@code scaling.modePolicy: adaptive}): moves the fleet's default mode
 * mix, inside {@code scaling.modeBounds}, toward the mode that gives the most tokens per second per
 * replica ({@link ModeAdvisor}'s speedup over autoregressive decoding; autoregressive is 1). Pure:
 * the loop keeps the {@link State} between cycles.
 *
 * <p>Hysteresis, so that noisy measurements do not flap the mix and the mix and the replica count
 * never chase each other:
 *
 * <ul>
 *   <li>a shift needs the best mode's speedup to exceed the worst's (among modes that can give
 *       weight) by {@link Settings#margin()} in {@link Settings#cyclesInARow()} consecutive cycles,
 *       for the same pair of modes; a cycle without that advantage starts the count over;
 *   <li>shifts are at least {@link Settings#dwell()} apart and move at most {@link
 *       Settings#stepPercent()} points, so the law sees each mix long enough to measure it;
 *   <li>never in a cycle that changes the replica count, and not until the count has held for
 *       {@link Settings#dwell()}: a replica change also starts the count over, since what was
 *       measured before belongs to another fleet size. Replica changes are never held back by the
 *       mix (capacity first); so the two alternate at most once per dwell time.
 * </ul>
 *
 * A wide mode (diffusion, self-speculation) is measured only while it serves requests: one at 0%
 * with no requests naming it has no speedup and neither gains nor loses weight; a bound's {@code
 * min} above 0 keeps it measured. Autoregressive decoding is the reference (one token per forward),
 * known as soon as any other mode is.
 */
public final class ModeMixPolicy {

  /** The modes, in the order of the spec's mix. */
  static final List<String> MODES = List.of("autoregressive", "diffusion", "selfSpeculation");

  private ModeMixPolicy() {}

  /**
   * How eager the policy is.
   *
   * @param margin the relative advantage a mode must have, e.g. 0.1 = 10% more tokens per second
   * @param cyclesInARow consecutive cycles the advantage must hold
   * @param dwell least time between two shifts, and after a replica change
   * @param stepPercent most points one shift moves
   */
  public record Settings(double margin, int cyclesInARow, Duration dwell, int stepPercent) {

    /** 10% advantage over 3 cycles, 5 minutes apart, 10 points at a time. */
    public static final Settings DEFAULT = new Settings(0.10, 3, Duration.ofMinutes(5), 10);

    public Settings {
      if (!(margin >= 0) || cyclesInARow < 1 || dwell.isNegative() || stepPercent < 1) {
        throw new IllegalArgumentException(
            "margin >= 0, cyclesInARow >= 1, dwell >= 0 and stepPercent >= 1 are required");
      }
    }
  }

  /** Percentages per mode, summing to 100. */
  public record Mix(int autoregressive, int diffusion, int selfSpeculation) {

    /** The mix of a status value (absent shares count as 0). */
    public static Mix of(dev.inference.nemotron.api.v1alpha1.EffectiveModeMix m) {
      return new Mix(
          Objects.requireNonNullElse(m.getAutoregressive(), 0),
          Objects.requireNonNullElse(m.getDiffusion(), 0),
          Objects.requireNonNullElse(m.getSelfSpeculation(), 0));
    }

    /** The share of {@code mode} (a name of {@link #MODES}). */
    int share(String mode) {
      return switch (mode) {
        case "autoregressive" -> autoregressive;
        case "diffusion" -> diffusion;
        case "selfSpeculation" -> selfSpeculation;
        default -> throw new IllegalArgumentException("unknown mode " + mode);
      };
    }

    Mix with(String mode, int share) {
      return new Mix(
          mode.equals("autoregressive") ? share : autoregressive,
          mode.equals("diffusion") ? share : diffusion,
          mode.equals("selfSpeculation") ? share : selfSpeculation);
    }

    int sum() {
      return autoregressive + diffusion + selfSpeculation;
    }

    @Override
    public String toString() {
      return "autoregressive %d / diffusion %d / selfSpeculation %d"
          .formatted(autoregressive, diffusion, selfSpeculation);
    }
  }

  /**
   * What the policy remembers between cycles.
   *
   * @param gainer the mode that led in the last cycle (null: none)
   * @param loser the mode it would take weight from
   * @param streak consecutive cycles that pair held the advantage
   * @param lastShift when the mix last moved (null: never)
   */
  public record State(String gainer, String loser, int streak, Instant lastShift) {

    /** Nothing measured yet; {@code lastShift} from the status after a restart. */
    public static State start(Instant lastShift) {
      return new State(null, null, 0, lastShift);
    }

    State reset() {
      return new State(null, null, 0, lastShift);
    }
  }

  /**
   * The mix for this cycle.
   *
   * @param mix the mix in force after this cycle
   * @param shifted whether it differs from the one before
   * @param reason why, with the numbers
   * @param state what to remember for the next cycle
   */
  public record Decision(Mix mix, boolean shifted, String reason, State state) {}

  /**
   * Decides the mix of one cycle.
   *
   * @param advice this cycle's {@link ModeAdvisor} advice (empty: nothing measured)
   * @param bounds the declared bounds
   * @param current the mix in force
   * @param state what the previous cycle left
   * @param replicasChanged whether this cycle changes the replica count
   * @param lastReplicaChange when the count last changed (null: never)
   * @param now this cycle's time
   */
  public static Decision decide(
      List<ModeAdvice> advice,
      ModeBounds bounds,
      Mix current,
      State state,
      boolean replicasChanged,
      Instant lastReplicaChange,
      Instant now,
      Settings settings) {
    ModeBounds b = Objects.requireNonNullElseGet(bounds, ModeBounds::new);
    Mix inBounds = project(current, b);
    if (!inBounds.equals(current)) {
      // the bounds changed under the mix: obey them at once, that is the spec, not a measurement
      return new Decision(
          inBounds,
          true,
          "the mix %s lies outside scaling.modeBounds; moved to %s".formatted(current, inBounds),
          new State(null, null, 0, now));
    }
    if (replicasChanged) {
      return hold(current, state.reset(), "replicas change in this cycle; the mix waits");
    }
    Map<String, Double> speedups = speedups(advice);
    if (speedups.size() < 2) {
      return hold(
          current,
          state.reset(),
          "fewer than two modes have a measured speedup (the cost of a wider forward needs"
              + " saturated samples); the mix holds");
    }
    String gainer = null;
    String loser = null;
    for (Map.Entry<String, Double> e : speedups.entrySet()) {
      String mode = e.getKey();
      if (current.share(mode) < range(b, mode).getMax()
          && (gainer == null || e.getValue() > speedups.get(gainer))) {
        gainer = mode;
      }
    }
    for (Map.Entry<String, Double> e : speedups.entrySet()) {
      String mode = e.getKey();
      if (!mode.equals(gainer)
          && current.share(mode) > range(b, mode).getMin()
          && (loser == null || e.getValue() < speedups.get(loser))) {
        loser = mode;
      }
    }
    if (gainer == null || loser == null) {
      return hold(current, state.reset(), "every measured mode is at its bound; the mix holds");
    }
    double advantage = speedups.get(gainer) / speedups.get(loser);
    String numbers =
        String.format(
            Locale.ROOT,
            "%s gives %.2fx and %s %.2fx the tokens per second per replica of autoregressive"
                + " decoding (advantage %.2f, needs above %.2f)",
            gainer,
            speedups.get(gainer),
            loser,
            speedups.get(loser),
            advantage,
            1 + settings.margin());
    if (!(advantage > 1 + settings.margin())) {
      return hold(
          current,
          state.reset(),
          numbers
              + (advantage > 1
                  ? "; within the margin, the mix holds"
                  : "; the best measured mode is at its bound, the mix holds"));
    }
    int streak =
        gainer.equals(state.gainer()) && loser.equals(state.loser()) ? state.streak() + 1 : 1;
    State counting = new State(gainer, loser, streak, state.lastShift());
    if (streak < settings.cyclesInARow()) {
      return hold(
          current,
          counting,
          numbers
              + "; cycle %d of %d in a row before the mix moves"
                  .formatted(streak, settings.cyclesInARow()));
    }
    if (state.lastShift() != null
        && Duration.between(state.lastShift(), now).compareTo(settings.dwell()) < 0) {
      return hold(
          current,
          counting,
          numbers + "; the last shift was under %d s ago".formatted(settings.dwell().toSeconds()));
    }
    if (lastReplicaChange != null
        && Duration.between(lastReplicaChange, now).compareTo(settings.dwell()) < 0) {
      return hold(
          current,
          counting,
          numbers
              + "; replicas changed under %d s ago, the mix waits for them to settle"
                  .formatted(settings.dwell().toSeconds()));
    }
    int step =
        Math.min(
            settings.stepPercent(),
            Math.min(
                current.share(loser) - range(b, loser).getMin(),
                range(b, gainer).getMax() - current.share(gainer)));
    Mix next =
        current.with(loser, current.share(loser) - step).with(gainer, current.share(gainer) + step);
    return new Decision(
        next,
        true,
        numbers
            + " for %d cycles in a row: %d points from %s to %s"
                .formatted(streak, step, loser, gainer),
        new State(null, null, 0, now));
  }

  /**
   * {@code mix} moved into {@code bounds}: each share clamped to its range, then the difference to
   * 100 taken from (or given to) the modes in the order of {@link #MODES}, within their ranges. The
   * CRD guarantees the bounds admit a mix summing to 100.
   */
  public static Mix project(Mix mix, ModeBounds bounds) {
    Mix out = mix;
    for (String mode : MODES) {
      ShareRange r = range(bounds, mode);
      out = out.with(mode, Math.clamp(out.share(mode), r.getMin(), r.getMax()));
    }
    for (String mode : MODES) {
      int missing = 100 - out.sum();
      if (missing == 0) {
        break;
      }
      ShareRange r = range(bounds, mode);
      int share = out.share(mode);
      out = out.with(mode, Math.clamp(share + missing, r.getMin(), r.getMax()));
    }
    if (out.sum() != 100) {
      throw new IllegalArgumentException(
          "scaling.modeBounds admit no mix summing to 100 (the CRD refuses such bounds)");
    }
    return out;
  }

  /** Measured speedup per mode; autoregressive is 1 whenever any other mode has one. */
  static Map<String, Double> speedups(List<ModeAdvice> advice) {
    Map<String, Double> out = new LinkedHashMap<>();
    if (advice == null) {
      return out;
    }
    for (ModeAdvice a : advice) {
      Double s = a.getSpeedupOverAutoregressive();
      if (s != null && s > 0 && MODES.contains(a.getMode())) {
        out.put(a.getMode(), s);
      }
    }
    if (!out.isEmpty()) {
      out.putIfAbsent("autoregressive", 1.0);
    }
    return out;
  }

  private static ShareRange range(ModeBounds bounds, String mode) {
    ShareRange r =
        switch (mode) {
          case "autoregressive" -> bounds.getAutoregressive();
          case "diffusion" -> bounds.getDiffusion();
          default -> bounds.getSelfSpeculation();
        };
    return r == null
        ? new ShareRange()
        : new ShareRange(
            Objects.requireNonNullElse(r.getMin(), 0), Objects.requireNonNullElse(r.getMax(), 100));
  }

  private static Decision hold(Mix mix, State state, String reason) {
    return new Decision(mix, false, reason, state);
  }
}
