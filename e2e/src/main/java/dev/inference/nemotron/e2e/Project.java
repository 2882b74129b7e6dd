package dev.inference.nemotron.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where the local fleet finds what the build made: the operator's {@code quarkus-app} and the
 * runtime's jar with its {@code lib/}, below the project root ({@code -Dndd.root}, else the first
 * directory up from the working directory holding {@code bin/ndd}).
 *
 * @param root the project root
 */
record Project(Path root) {

  /** The JVM flags of bin/ndd (the parent pom's ndd.jvm.flags, plus quieting Netty's warning). */
  static final List<String> RUNTIME_JVM_FLAGS =
      List.of(
          "--add-modules",
          "jdk.incubator.vector",
          "--enable-native-access=ALL-UNNAMED",
          "--sun-misc-unsafe-memory-access=allow");

  static Project locate() {
    String property = System.getProperty("ndd.root");
    if (property != null && !property.isBlank()) {
      return new Project(Path.of(property).toAbsolutePath().normalize());
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("bin/ndd"))
          && Files.isRegularFile(dir.resolve("pom.xml"))) {
        return new Project(dir);
      }
    }
    throw new IllegalStateException(
        "cannot find the project root (a directory with bin/ndd): set -Dndd.root=DIR");
  }

  /** The java launcher of this JVM, for the children. */
  static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** The operator as the build packaged it. */
  Path operatorJar() {
    Path jar = root.resolve("operator/target/quarkus-app/quarkus-run.jar");
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          "no "
              + jar
              + ": build it with mvn -B -DskipTests -pl crds,operator -am package (bin/ndd-fleet"
              + " does)");
    }
    return jar;
  }

  /** The runtime jar with its dependencies in lib/ next to it. */
  Path runtimeJar() {
    Path target = root.resolve("inference-pod/target");
    try (Stream<Path> files = Files.list(target)) {
      Path jar =
          files
              .filter(f -> f.getFileName().toString().matches("inference-pod-.*\\.jar"))
              .filter(f -> !f.getFileName().toString().matches(".*-(sources|javadoc|tests)\\.jar"))
              .findFirst()
              .orElse(null);
      if (jar != null && Files.isDirectory(target.resolve("lib"))) {
        return jar;
      }
    } catch (IOException e) {
      // reported below
    }
    throw new IllegalStateException(
        "no runtime jar with its lib/ in "
            + target
            + ": build it with mvn -B -DskipTests -pl inference-pod -am package (bin/ndd-fleet"
            + " does)");
  }

  /** The CRD the crds module generated. */
  Path crd() {
    return root.resolve(
        "crds/generated/nemotrondiffusiondeployments.nemotron.inference.dev-v1.yml");
  }

  /** {@code java ... -jar runtime.jar ARGS}: the command bin/ndd runs. */
  List<String> ndd(List<String> args) {
    List<String> command = new java.util.ArrayList<>();
    command.add(java());
    command.addAll(RUNTIME_JVM_FLAGS);
    command.add("-jar");
    command.add(runtimeJar().toString());
    command.addAll(args);
    return command;
  }
}
