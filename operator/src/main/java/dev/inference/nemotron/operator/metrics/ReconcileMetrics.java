package dev.inference.nemotron.operator.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The operator's own reconcile metrics at {@code /q/metrics}: {@code
 * nemotron_operator_reconciles_total{outcome}} (applied, rejected, failed), {@code
 * nemotron_operator_reconcile_seconds}, {@code nemotron_operator_spec_rejections_total{reason}} and
 * {@code nemotron_operator_status_conflicts_total} (status writes that met a newer version).
 * JOSDK's own controller metrics come alongside ({@link JosdkMetrics}).
 */
@ApplicationScoped
public class ReconcileMetrics {

  /** How a reconciliation ended. */
  public enum Outcome {
    APPLIED,
    REJECTED,
    FAILED
  }

  private final MeterRegistry registry;
  private final Timer duration;
  private final Counter statusConflicts;

  public ReconcileMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.duration =
        Timer.builder("nemotron.operator.reconcile")
            .description("Time to reconcile one NemotronDiffusionDeployment")
            .publishPercentileHistogram()
            .register(registry);
    this.statusConflicts =
        Counter.builder("nemotron.operator.status.conflicts")
            .description("Status writes refused with 409 Conflict and redone on the latest version")
            .register(registry);
  }

  /** Starts timing a reconciliation. */
  public Timer.Sample start() {
    return Timer.start(registry);
  }

  /** Records the end of a reconciliation. */
  public void finish(Timer.Sample sample, Outcome outcome) {
    sample.stop(duration);
    Counter.builder("nemotron.operator.reconciles")
        .description("Reconciliations by outcome")
        .tag("outcome", outcome.name().toLowerCase(java.util.Locale.ROOT))
        .register(registry)
        .increment();
  }

  /** Counts a spec the operator refused to apply. */
  public void rejected(String reason) {
    Counter.builder("nemotron.operator.spec.rejections")
        .description("Specs not applied, by reason")
        .tag("reason", reason)
        .register(registry)
        .increment();
  }

  /** Counts a status write that met a newer resource version. */
  public void statusConflict() {
    statusConflicts.increment();
  }
}
