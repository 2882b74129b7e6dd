package dev.inference.nemotron.operator.autoscale;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * Settings of the autoscaler's loop ({@code nemotron.autoscaler.*} in {@code
 * application.properties}, or the matching {@code NEMOTRON_AUTOSCALER_*} environment variables).
 * Its own prefix keeps them apart from the reconciler's {@code nemotron.operator.*}.
 */
@ConfigMapping(prefix = "nemotron.autoscaler")
public interface AutoscalerSettings {

  /** How often each fleet's ready pods are scraped and a decision is taken. */
  @WithDefault("15s")
  Duration interval();

  /** The longest one pod's scrape may take; a pod that does not answer in time is stale. */
  @WithDefault("3s")
  Duration scrapeTimeout();

  /**
   * Scrapes in flight at once over all fleets: the HTTP client is asynchronous, so a thousand pods
   * hold this many connections, not a thousand threads.
   */
  @WithDefault("64")
  int maxScrapesInFlight();

  /** Threads running fleet cycles (each waits for its fleet's scrapes, bounded by the timeout). */
  @WithDefault("4")
  int workers();

  /**
   * {@code status.observed} is rewritten when a value moved meaningfully (see {@code
   * ObservedStatus}), otherwise at most this often, so that {@code sampledAt} shows the loop is
   * alive without a status write per fleet per interval.
   */
  @WithDefault("60s")
  Duration observedRefresh();

  /** Metrics older than this many intervals are stale: the law holds rather than scale on them. */
  @WithDefault("3")
  int staleAfterIntervals();

  /**
   * Adaptive mode policy: the relative advantage in tokens per second per replica a mode must have
   * over the one it takes weight from (0.1 = 10%).
   */
  @WithDefault("0.1")
  double modeMixMargin();

  /** Adaptive mode policy: consecutive cycles the advantage must hold before the mix moves. */
  @WithDefault("3")
  int modeMixCycles();

  /** Adaptive mode policy: least time between two shifts of the mix, and after a replica change. */
  @WithDefault("5m")
  Duration modeMixDwell();

  /** Adaptive mode policy: most percentage points one shift moves. */
  @WithDefault("10")
  int modeMixStepPercent();
}
