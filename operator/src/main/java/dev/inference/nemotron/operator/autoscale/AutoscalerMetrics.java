package dev.inference.nemotron.operator.autoscale;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The autoscaler's decisions at {@code /q/metrics}: {@code
 * nemotron_autoscaler_desired_replicas{namespace,name}} (the law's latest decision per fleet),
 * {@code nemotron_autoscaler_decisions_total{direction}} (up, down, hold), {@code
 * nemotron_autoscaler_scrape_failures_total} (ready pods that did not answer), {@code
 * nemotron_autoscaler_cycle_seconds} (one fleet's scrape and decision) and {@code
 * nemotron_autoscaler_cycles_skipped_total} (a fleet's cycle still running when the next was due:
 * the operator is not keeping up with its interval), {@code
 * nemotron_autoscaler_mode_mix_shifts_total} (changes of an adaptive fleet's effective mode mix)
 * and {@code nemotron_autoscaler_mode_mix_percent{namespace,name,mode}} (the mix in force).
 */
@ApplicationScoped
public class AutoscalerMetrics {

  private final MeterRegistry registry;
  private final Map<String, AtomicInteger> desired = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> mixShares = new ConcurrentHashMap<>();
  private final Timer cycle;
  private final Counter scrapeFailures;
  private final Counter skipped;

  public AutoscalerMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.cycle =
        Timer.builder("nemotron.autoscaler.cycle")
            .description("Time of one fleet's scrape and decision")
            .publishPercentileHistogram()
            .register(registry);
    this.scrapeFailures =
        Counter.builder("nemotron.autoscaler.scrape.failures")
            .description("Ready pods whose metrics could not be read (stale, never zero load)")
            .register(registry);
    this.skipped =
        Counter.builder("nemotron.autoscaler.cycles.skipped")
            .description("Fleet cycles skipped because the previous one was still running")
            .register(registry);
  }

  /** Exports {@code nemotron_autoscaler_fleets}: fleets whose cycle runs. */
  public void fleets(java.util.function.Supplier<Number> tracked) {
    Gauge.builder("nemotron.autoscaler.fleets", tracked)
        .description("Fleets whose scrape and decision cycle runs")
        .register(registry);
  }

  /** Direction of a decision. */
  public enum Direction {
    UP,
    DOWN,
    HOLD
  }

  /** Records one decision of fleet {@code namespace/name}. */
  public void decided(String namespace, String name, int replicas, Direction direction) {
    desired
        .computeIfAbsent(
            namespace + "/" + name,
            k -> {
              AtomicInteger value = new AtomicInteger(replicas);
              Gauge.builder("nemotron.autoscaler.desired.replicas", value, AtomicInteger::get)
                  .description("Replicas the autoscaler's latest decision asks for")
                  .tags(Tags.of("namespace", namespace, "name", name))
                  .register(registry);
              return value;
            })
        .set(replicas);
    Counter.builder("nemotron.autoscaler.decisions")
        .description("Autoscaler decisions by direction")
        .tag("direction", direction.name().toLowerCase(Locale.ROOT))
        .register(registry)
        .increment();
  }

  /** Records a change of fleet {@code namespace/name}'s effective mode mix to {@code mix}. */
  public void modeMixShifted(String namespace, String name, ModeMixPolicy.Mix mix) {
    Counter.builder("nemotron.autoscaler.mode.mix.shifts")
        .description("Changes of an adaptive fleet's effective mode mix")
        .register(registry)
        .increment();
    share(namespace, name, "autoregressive", mix.autoregressive());
    share(namespace, name, "diffusion", mix.diffusion());
    share(namespace, name, "selfSpeculation", mix.selfSpeculation());
  }

  private void share(String namespace, String name, String mode, int percent) {
    mixShares
        .computeIfAbsent(
            namespace + "/" + name + "/" + mode,
            k -> {
              AtomicInteger value = new AtomicInteger(percent);
              Gauge.builder("nemotron.autoscaler.mode.mix.percent", value, AtomicInteger::get)
                  .description("Percentage of requests naming no mode that a mode receives")
                  .tags(Tags.of("namespace", namespace, "name", name, "mode", mode))
                  .register(registry);
              return value;
            })
        .set(percent);
  }

  /** Counts ready pods that did not answer a scrape. */
  public void scrapeFailures(int pods) {
    if (pods > 0) {
      scrapeFailures.increment(pods);
    }
  }

  /** Times one cycle. */
  public Timer cycle() {
    return cycle;
  }

  /** Counts a cycle skipped while the previous one ran. */
  public void skipped() {
    skipped.increment();
  }

  /** Removes the gauges of a fleet that is gone. */
  public void forget(String namespace, String name) {
    if (mixShares.keySet().removeIf(k -> k.startsWith(namespace + "/" + name + "/"))) {
      registry
          .find("nemotron.autoscaler.mode.mix.percent")
          .tags("namespace", namespace, "name", name)
          .gauges()
          .forEach(registry::remove);
    }
    if (desired.remove(namespace + "/" + name) != null) {
      registry
          .find("nemotron.autoscaler.desired.replicas")
          .tags("namespace", namespace, "name", name)
          .gauges()
          .forEach(registry::remove);
    }
  }
}
