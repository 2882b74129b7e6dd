package dev.inference.nemotron.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A child process of the local fleet (the operator, a replica's {@code ndd serve}), its output in
 * {@code NAME.log}. {@link #stop} sends SIGTERM, waits, then kills; so does the JVM's exit, through
 * one shutdown hook per process, so that no child outlives the fleet.
 */
final class ChildProcess implements AutoCloseable {

  private final String name;
  private final Process process;
  private final Path log;
  private final Thread reaper;

  private ChildProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
    this.reaper = new Thread(() -> stopNow(process), "reaper-" + name);
    Runtime.getRuntime().addShutdownHook(reaper);
  }

  /**
   * Starts {@code command} in {@code dir} with {@code env} added to an environment stripped of the
   * variables that would change what a Java or {@code ndd} command does.
   */
  static ChildProcess start(
      String name, List<String> command, Path dir, Map<String, String> env, Path logs)
      throws IOException {
    Files.createDirectories(logs);
    Files.createDirectories(dir);
    Path log = logs.resolve(name + ".log");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    Map<String, String> environment = builder.environment();
    environment
        .keySet()
        .removeIf(
            k ->
                k.startsWith("NDD_")
                    || k.startsWith("HF_")
                    || k.startsWith("QUARKUS_")
                    || k.startsWith("NEMOTRON_")
                    || k.equals("KUBECONFIG")
                    || List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS")
                        .contains(k));
    environment.putAll(env);
    return new ChildProcess(name, builder.start(), log);
  }

  String name() {
    return name;
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** The exit code; only once it exited. */
  int exitCode() {
    return process.exitValue();
  }

  /** Sends SIGTERM without waiting. */
  void destroy() {
    process.destroy();
  }

  Path log() {
    return log;
  }

  /** The last {@code lines} lines of its output. */
  String tail(int lines) {
    try {
      List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e + ")";
    }
  }

  /** SIGTERM, as the kubelet sends; SIGKILL after {@code grace}. */
  void stop(Duration grace) {
    process.destroy();
    try {
      if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    try {
      Runtime.getRuntime().removeShutdownHook(reaper);
    } catch (IllegalStateException e) {
      // the JVM is exiting: the hook runs and finds the process gone
    }
  }

  @Override
  public void close() {
    stop(Duration.ofSeconds(10));
  }

  private static void stopNow(Process process) {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
    }
  }
}
