package dev.inference.nemotron.pod.serve.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * Applies changes of runtime.yaml and of the tenants' key files to a running server.
 *
 * <p>It polls content, not file events: Kubernetes updates a ConfigMap or Secret volume by writing
 * a new timestamped directory and atomically swapping the {@code ..data} symlink to it, which file
 * watchers report unreliably (the watched file itself never changes). Every interval it hashes the
 * file and the key files it names; when the hash changes it re-reads them and:
 *
 * <ul>
 *   <li>applies the live settings ({@code modes}, {@code tenants} and their keys, and {@code
 *       fleet.replicas}, which divides the tenants' token limits) by calling {@link
 *       Listener#configChanged};
 *   <li>reports changes of settings fixed at start (model, quantization, device, context,
 *       sequences, server: {@link RuntimeConfig#restartKeys}) through {@link
 *       Listener#restartNeeded} and otherwise ignores them: the operator rolls the pods for those;
 *   <li>keeps the running configuration when the new content is invalid, logging the error once
 *       (until the content changes again) and telling {@link Listener#rejected}.
 * </ul>
 */
public final class ConfigWatcher implements AutoCloseable {

  /** What the server does with changes. Called on the watcher's thread, one call at a time. */
  public interface Listener {
    /**
     * New live settings: the running configuration with the file's {@code modes} and {@code
     * tenants}, and the tenants with their (possibly new) keys.
     */
    void configChanged(RuntimeConfig config, Tenants tenants);

    /** The file changed settings that apply only at start; they are ignored until a restart. */
    default void restartNeeded(List<String> keys) {}

    /** The new content is invalid; the running configuration stays. */
    default void rejected(InvalidConfigException error) {}
  }

  private static final System.Logger LOG = System.getLogger(ConfigWatcher.class.getName());

  private final Path file;
  private final UnaryOperator<RuntimeConfig> localize;
  private final RuntimeConfig started;
  private final Duration interval;
  private final Listener listener;
  private final ScheduledExecutorService executor;

  private RuntimeConfig current;
  private Tenants tenants;
  private byte[] lastFingerprint;

  /**
   * A watcher of {@code file}; call {@link #start()} to poll.
   *
   * @param started the configuration the server started with (its restart settings stay)
   * @param tenants the tenants the server started with
   * @param interval time between polls
   */
  public ConfigWatcher(
      Path file, RuntimeConfig started, Tenants tenants, Duration interval, Listener listener) {
    this(file, started, tenants, interval, listener, UnaryOperator.identity());
  }

  /**
   * A watcher that applies {@code localize} to every configuration it reads, before comparing it
   * with the started one: what the server did to the file's content at start (command-line
   * overrides, pod paths under {@code NDD_POD_ROOT}) it does to every new version too.
   */
  public ConfigWatcher(
      Path file,
      RuntimeConfig started,
      Tenants tenants,
      Duration interval,
      Listener listener,
      UnaryOperator<RuntimeConfig> localize) {
    this.localize = Objects.requireNonNull(localize, "localize");
    this.file = Objects.requireNonNull(file, "file");
    this.started = Objects.requireNonNull(started, "started");
    this.current = started;
    this.tenants = Objects.requireNonNull(tenants, "tenants");
    this.interval = Objects.requireNonNull(interval, "interval");
    this.listener = Objects.requireNonNull(listener, "listener");
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("poll interval must be positive, got " + interval);
    }
    this.executor =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "ndd-config-watcher");
              t.setDaemon(true);
              return t;
            });
  }

  /** Starts polling every interval on a daemon thread. */
  public void start() {
    long millis = interval.toMillis();
    executor.scheduleWithFixedDelay(this::pollSafely, millis, millis, TimeUnit.MILLISECONDS);
    LOG.log(System.Logger.Level.INFO, "watching {0} every {1} ms", file, millis);
  }

  /** Checks the files once, now (what each scheduled poll does). */
  public synchronized void poll() {
    byte[] content;
    try {
      content = Files.readAllBytes(file);
    } catch (IOException e) {
      reject(
          fingerprint(("unreadable " + e).getBytes(StandardCharsets.UTF_8), List.of()),
          new InvalidConfigException(file, "cannot be read: " + e));
      return;
    }
    RuntimeConfig next;
    try {
      next = localize.apply(RuntimeConfig.parse(content, file));
    } catch (InvalidConfigException e) {
      reject(fingerprint(content, List.of()), e);
      return;
    }
    byte[] fingerprint = fingerprint(content, next.tenants());
    if (Arrays.equals(fingerprint, lastFingerprint)) {
      return;
    }
    Tenants nextTenants;
    try {
      nextTenants = Tenants.load(next.tenants());
    } catch (InvalidConfigException e) {
      reject(fingerprint, e);
      return;
    }
    lastFingerprint = fingerprint;
    List<String> restartKeys = started.restartKeys(next);
    if (!restartKeys.isEmpty()) {
      LOG.log(
          System.Logger.Level.WARNING,
          "{0}: {1} changed; that applies at the next start (the operator rolls the pods), so"
              + " this server keeps its current values",
          file,
          String.join(", ", restartKeys));
      listener.restartNeeded(restartKeys);
    }
    RuntimeConfig merged = started.withLiveSettingsOf(next);
    if (merged.equals(current) && nextTenants.sameAs(tenants)) {
      return;
    }
    current = merged;
    tenants = nextTenants;
    LOG.log(
        System.Logger.Level.INFO,
        "{0}: applied mode mix {1} and tenants {2}",
        file,
        merged.modes().mix(),
        nextTenants);
    listener.configChanged(merged, nextTenants);
  }

  /** The configuration in force: the started one with the latest valid live settings. */
  public synchronized RuntimeConfig current() {
    return current;
  }

  /** The tenants in force. */
  public synchronized Tenants tenants() {
    return tenants;
  }

  /** Stops polling. */
  @Override
  public void close() {
    executor.shutdownNow();
  }

  private void pollSafely() {
    try {
      poll();
    } catch (RuntimeException e) {
      // A throwing poll would cancel the schedule; the next poll may well succeed.
      LOG.log(System.Logger.Level.ERROR, "checking " + file + " failed", e);
    }
  }

  private void reject(byte[] fingerprint, InvalidConfigException error) {
    if (Arrays.equals(fingerprint, lastFingerprint)) {
      return;
    }
    lastFingerprint = fingerprint;
    LOG.log(
        System.Logger.Level.WARNING, "keeping the running configuration: {0}", error.getMessage());
    listener.rejected(error);
  }

  /** SHA-256 over the config content and each tenant's name and key file content. */
  private static byte[] fingerprint(byte[] content, List<TenantConfig> tenantConfigs) {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK provides SHA-256", e);
    }
    digest.update(content);
    for (TenantConfig t : tenantConfigs) {
      digest.update((byte) 0);
      digest.update(t.name().getBytes(StandardCharsets.UTF_8));
      digest.update((byte) 0);
      try {
        digest.update(Files.readAllBytes(t.apiKeyFile()));
      } catch (IOException e) {
        digest.update(e.getClass().getName().getBytes(StandardCharsets.UTF_8));
      }
    }
    return digest.digest();
  }
}
