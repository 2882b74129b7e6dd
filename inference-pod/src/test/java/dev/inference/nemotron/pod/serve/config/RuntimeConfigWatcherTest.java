package dev.inference.nemotron.pod.serve.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ConfigWatcher} on volumes laid out the way the kubelet writes ConfigMaps and Secrets: the
 * files are symlinks into {@code ..data}, itself a symlink to a timestamped directory that an
 * update replaces by an atomic rename.
 */
class RuntimeConfigWatcherTest {

  @TempDir Path dir;

  private ProjectedVolume configVolume;
  private ProjectedVolume keyVolume;
  private Path configFile;
  private final Recorder recorder = new Recorder();

  @BeforeEach
  void lay() throws IOException {
    keyVolume = new ProjectedVolume(dir.resolve("keys"), Map.of("search", "sk-old\n"));
    configVolume =
        new ProjectedVolume(dir.resolve("config"), Map.of("runtime.yaml", yaml("/models/a", 20)));
    configFile = dir.resolve("config/runtime.yaml");
  }

  @Test
  void anUnchangedFileChangesNothing() {
    ConfigWatcher watcher = watcher();

    watcher.poll();
    watcher.poll();

    assertThat(recorder.events).isEmpty();
  }

  @Test
  void aNewModeMixAppliesLive() throws IOException {
    ConfigWatcher watcher = watcher();

    configVolume.update(Map.of("runtime.yaml", yaml("/models/a", 60)));
    watcher.poll();
    watcher.poll();

    assertThat(recorder.events).containsExactly("changed mix=60");
    assertThat(watcher.current().modes().mix().autoregressive()).isEqualTo(60);
    assertThat(recorder.lastConfig.modes().mix().autoregressive()).isEqualTo(60);
  }

  @Test
  void aRotatedKeyAppliesLive() throws IOException {
    ConfigWatcher watcher = watcher();

    keyVolume.update(Map.of("search", "sk-new\n"));
    watcher.poll();

    assertThat(recorder.events).containsExactly("changed mix=20");
    assertThat(watcher.tenants().authenticate("sk-new")).isPresent();
    assertThat(watcher.tenants().authenticate("sk-old")).isEmpty();
    assertThat(recorder.lastTenants.authenticate("sk-new")).isPresent();
  }

  @Test
  void aNewFleetReplicaCountChangesTheTenantsShareLive() throws IOException {
    configVolume.update(Map.of("runtime.yaml", yaml("/models/a", 20) + limited(1)));
    ConfigWatcher watcher = watcher();

    configVolume.update(Map.of("runtime.yaml", yaml("/models/a", 20) + limited(3)));
    watcher.poll();

    assertThat(recorder.events).containsExactly("changed mix=20");
    assertThat(recorder.lastTenants.configs())
        .filteredOn(t -> t.name().equals("batch"))
        .singleElement()
        .satisfies(t -> assertThat(t.tokensPerMinute()).hasValue(300));
    assertThat(watcher.current().tenants().getLast().tokensPerMinute()).hasValue(300);
  }

  /** A second tenant limited to 900 tokens a minute across a fleet of {@code replicas}. */
  private String limited(int replicas) throws IOException {
    Files.writeString(dir.resolve("keys/batch-key"), "sk-batch\n");
    return """
        - {name: batch, apiKeyFile: %s, tokensPerMinute: 900}
        fleet: {replicas: %d}
        """
        .formatted(dir.resolve("keys/batch-key"), replicas);
  }

  @Test
  void aNewModelIsReportedAsNeedingARestartAndIgnored() throws IOException {
    ConfigWatcher watcher = watcher();

    configVolume.update(Map.of("runtime.yaml", yaml("/models/b", 20)));
    watcher.poll();

    assertThat(recorder.events).containsExactly("restart [model]");
    assertThat(watcher.current().model().path()).isEqualTo(Path.of("/models/a"));
  }

  @Test
  void liveChangesApplyEvenBesideRestartChanges() throws IOException {
    ConfigWatcher watcher = watcher();

    configVolume.update(Map.of("runtime.yaml", yaml("/models/b", 0)));
    watcher.poll();

    assertThat(recorder.events).containsExactly("restart [model]", "changed mix=0");
    assertThat(watcher.current().model().path()).isEqualTo(Path.of("/models/a"));
    assertThat(watcher.current().modes().mix().autoregressive()).isZero();
  }

  @Test
  void anInvalidFileKeepsTheRunningConfigAndIsReportedOnce() throws IOException {
    ConfigWatcher watcher = watcher();
    RuntimeConfig before = watcher.current();

    configVolume.update(
        Map.of("runtime.yaml", yaml("/models/a", 20).replace("diffusion: 30", "diffusion: 20")));
    watcher.poll();
    watcher.poll();
    watcher.poll();

    assertThat(recorder.events).hasSize(1);
    assertThat(recorder.events.getFirst())
        .startsWith("rejected " + configFile)
        .contains("modes.mix: shares must sum to 100, got 90");
    assertThat(watcher.current()).isEqualTo(before);

    configVolume.update(Map.of("runtime.yaml", yaml("/models/a", 50)));
    watcher.poll();

    assertThat(recorder.events).last().isEqualTo("changed mix=50");
  }

  @Test
  void aNewTenantWithoutAKeyFileIsRejectedNamingTheTenant() throws IOException {
    ConfigWatcher watcher = watcher();

    configVolume.update(
        Map.of(
            "runtime.yaml",
            yaml("/models/a", 20)
                + "- {name: batch, apiKeyFile: "
                + dir.resolve("keys/batch")
                + "}\n"));
    watcher.poll();
    watcher.poll();

    assertThat(recorder.events).hasSize(1);
    assertThat(recorder.events.getFirst())
        .contains("tenant 'batch'")
        .contains(dir.resolve("keys/batch").toString());

    keyVolume.update(Map.of("search", "sk-old\n", "batch", "sk-batch\n"));
    watcher.poll();

    assertThat(recorder.events).last().isEqualTo("changed mix=20");
    assertThat(watcher.tenants().authenticate("sk-batch")).isPresent();
  }

  @Test
  void pollsOnItsOwnUntilClosed() throws Exception {
    CountDownLatch changed = new CountDownLatch(1);
    recorder.onChange = changed::countDown;
    ConfigWatcher watcher =
        new ConfigWatcher(
            configFile,
            RuntimeConfig.load(configFile),
            Tenants.load(RuntimeConfig.load(configFile).tenants()),
            Duration.ofMillis(20),
            recorder);
    watcher.start();
    try {
      configVolume.update(Map.of("runtime.yaml", yaml("/models/a", 70)));
      assertThat(changed.await(10, TimeUnit.SECONDS)).isTrue();
    } finally {
      watcher.close();
    }
    int seen = recorder.events.size();

    configVolume.update(Map.of("runtime.yaml", yaml("/models/a", 10)));
    Thread.sleep(200);

    assertThat(recorder.events).hasSize(seen);
    assertThat(recorder.events).contains("changed mix=70");
  }

  private ConfigWatcher watcher() {
    RuntimeConfig started = RuntimeConfig.load(configFile);
    return new ConfigWatcher(
        configFile, started, Tenants.load(started.tenants()), Duration.ofSeconds(10), recorder);
  }

  private String yaml(String modelPath, int autoregressive) {
    return """
        model: {path: %s}
        modes:
          mix: {autoregressive: %d, diffusion: 30, selfSpeculation: %d}
        tenants:
        - {name: search, apiKeyFile: %s}
        """
        .formatted(modelPath, autoregressive, 70 - autoregressive, dir.resolve("keys/search"));
  }

  /** Records what the watcher reports, as short strings. */
  private static final class Recorder implements ConfigWatcher.Listener {
    final List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();
    volatile RuntimeConfig lastConfig;
    volatile Tenants lastTenants;
    volatile Runnable onChange = () -> {};

    @Override
    public void configChanged(RuntimeConfig config, Tenants tenants) {
      lastConfig = config;
      lastTenants = tenants;
      events.add("changed mix=" + config.modes().mix().autoregressive());
      onChange.run();
    }

    @Override
    public void restartNeeded(List<String> keys) {
      events.add("restart " + keys);
    }

    @Override
    public void rejected(InvalidConfigException error) {
      events.add("rejected " + error.getMessage());
    }
  }

  /**
   * A ConfigMap or Secret volume as the kubelet's atomic writer lays it out: {@code
   * ..<timestamp>/file}, {@code ..data -> ..<timestamp>}, {@code file -> ..data/file}.
   */
  private static final class ProjectedVolume {
    private final Path root;
    private int generation;
    private Path current;

    ProjectedVolume(Path root, Map<String, String> files) throws IOException {
      this.root = Files.createDirectories(root);
      update(files);
    }

    void update(Map<String, String> files) throws IOException {
      Path previous = current;
      current = Files.createDirectory(root.resolve("..2025_01_01_00_00_00." + generation++));
      for (Map.Entry<String, String> f : files.entrySet()) {
        Files.writeString(current.resolve(f.getKey()), f.getValue());
      }
      Path tmp = Files.createSymbolicLink(root.resolve("..data_tmp"), current.getFileName());
      Files.move(tmp, root.resolve("..data"), StandardCopyOption.ATOMIC_MOVE);
      for (String name : files.keySet()) {
        Path link = root.resolve(name);
        if (!Files.isSymbolicLink(link)) {
          Files.createSymbolicLink(link, Path.of("..data").resolve(name));
        }
      }
      if (previous != null) {
        try (Stream<Path> old = Files.walk(previous)) {
          for (Path p : old.sorted(Comparator.reverseOrder()).toList()) {
            Files.delete(p);
          }
        }
      }
    }
  }
}
