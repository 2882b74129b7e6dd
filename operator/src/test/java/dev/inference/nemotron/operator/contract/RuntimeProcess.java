package dev.inference.nemotron.operator.contract;

import dev.inference.nemotron.pod.cli.Ndd;
import dev.inference.nemotron.pod.serve.PodSandbox;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The runtime as a child process: the jar of the reactor's {@code inference-pod} build with its
 * {@code lib/}, run as {@code bin/ndd} runs it (same JVM flags), with a container's exact arguments
 * and {@link PodSandbox}'s variables standing in for the pod's mounts and network. Its stdout and
 * stderr go to files, shown by {@link #output()}. {@link #close()} kills it if it still runs, and
 * so does the test JVM's exit.
 */
final class RuntimeProcess implements AutoCloseable {

  /** The JVM flags of bin/ndd (the parent pom's ndd.jvm.flags, plus quieting Netty's warning). */
  private static final List<String> JVM_FLAGS =
      List.of(
          "--add-modules",
          "jdk.incubator.vector",
          "--enable-native-access=ALL-UNNAMED",
          "--sun-misc-unsafe-memory-access=allow");

  private final String name;
  private final Process process;
  private final Path stdout;
  private final Path stderr;
  private final Thread reaper;

  private RuntimeProcess(String name, Process process, Path stdout, Path stderr) {
    this.name = name;
    this.process = process;
    this.stdout = stdout;
    this.stderr = stderr;
    // a test JVM that is itself killed (e.g. a fork timeout) takes the child with it
    this.reaper = new Thread(process::destroyForcibly, "ndd-" + name + "-reaper");
    Runtime.getRuntime().addShutdownHook(reaper);
  }

  /**
   * Starts {@code ndd ARGS}.
   *
   * @param name names the log files in {@code logs} and the process in messages
   * @param root {@code NDD_POD_ROOT}
   * @param port {@code NDD_POD_PORT}, if any
   */
  static RuntimeProcess start(
      String name, List<String> args, PodRoot root, OptionalInt port, Path logs)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(JVM_FLAGS);
    command.add("-jar");
    command.add(runtimeJar().toString());
    command.addAll(args);
    Files.createDirectories(logs);
    Path stdout = logs.resolve(name + ".stdout.log");
    Path stderr = logs.resolve(name + ".stderr.log");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(root.dir().toFile())
            .redirectOutput(stdout.toFile())
            .redirectError(stderr.toFile());
    Map<String, String> env = builder.environment();
    // nothing of this JVM's environment may change what the pod's command does
    env.keySet()
        .removeIf(
            k ->
                k.startsWith("NDD_")
                    || k.startsWith("HF_")
                    || List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS")
                        .contains(k));
    env.put(PodSandbox.ROOT_ENV, root.dir().toString());
    port.ifPresent(p -> env.put(PodSandbox.PORT_ENV, Integer.toString(p)));
    return new RuntimeProcess(name, builder.start(), stdout, stderr);
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Sends SIGTERM, as the kubelet does when a pod stops. */
  void terminate() {
    process.destroy();
  }

  /** The exit code, or empty when the process still runs after {@code timeout}. */
  OptionalInt awaitExit(Duration timeout) throws InterruptedException {
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)
        ? OptionalInt.of(process.exitValue())
        : OptionalInt.empty();
  }

  /** What the process wrote so far. */
  String output() {
    return "---- "
        + name
        + " stdout ----\n"
        + read(stdout)
        + "---- "
        + name
        + " stderr ----\n"
        + read(stderr);
  }

  /** Runs {@code check}; when it fails, prints the process's output first. */
  void check(Check check) throws Exception {
    try {
      check.run();
    } catch (Exception | AssertionError e) {
      System.err.println(output());
      throw e;
    }
  }

  /** A step of a test against the process. */
  interface Check {
    void run() throws Exception;
  }

  @Override
  public void close() {
    process.destroyForcibly();
    try {
      process.waitFor(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      Runtime.getRuntime().removeShutdownHook(reaper);
    } catch (IllegalStateException e) {
      // the JVM is exiting: the hook runs, and finds the process gone
    }
  }

  /**
   * The runtime jar the reactor built next to the {@code inference-pod} classes on this test's
   * class path, with its runtime dependencies in {@code lib/} (the jar's manifest class path).
   */
  private static Path runtimeJar() {
    Path code;
    try {
      code = Path.of(Ndd.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
    Path target = code.getParent();
    Path jar;
    if (Files.isRegularFile(code)) {
      jar = code;
    } else {
      try (Stream<Path> files = Files.list(target)) {
        jar =
            files
                .filter(f -> f.getFileName().toString().matches("inference-pod-.*\\.jar"))
                .filter(
                    f -> !f.getFileName().toString().matches(".*-(sources|javadoc|tests)\\.jar"))
                .findFirst()
                .orElse(null);
      } catch (IOException e) {
        throw new IllegalStateException("cannot list " + target, e);
      }
    }
    if (jar == null || !Files.isDirectory(target.resolve("lib"))) {
      throw new IllegalStateException(
          "no runtime jar with its lib/ next to "
              + code
              + ": the inference-pod module's package phase builds them; run this test in the"
              + " reactor: mvn -pl crds,inference-pod,operator -am verify");
    }
    return jar;
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return "(cannot read " + file + ": " + e + ")\n";
    }
  }
}
