package dev.inference.nemotron.e2e;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The real operator, {@code operator/target/quarkus-app/quarkus-run.jar}, as a child process
 * pointed at the stand-in API: plain HTTP on loopback, every namespace watched, {@code file://}
 * sources allowed below the given node directories, its own HTTP port (health, metrics) on
 * loopback.
 */
final class OperatorProcess {
  private OperatorProcess() {}

  static ChildProcess start(
      Project project,
      String apiUrl,
      List<String> allowedHostPaths,
      int httpPort,
      Map<String, String> properties,
      Path work,
      Path logs)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Project.java());
    command.add("-Dquarkus.kubernetes-client.api-server-url=" + apiUrl);
    command.add("-Dquarkus.kubernetes-client.trust-certs=true");
    // the same for the fabric8 client's own configuration, read whatever Quarkus fixed at build
    command.add("-Dkubernetes.master=" + apiUrl);
    command.add("-Dkubernetes.trust.certificates=true");
    command.add("-Dkubernetes.namespace=default");
    command.add("-Dkubernetes.auth.tryKubeConfig=false");
    command.add("-Dkubernetes.auth.tryServiceAccount=false");
    command.add("-Dquarkus.kubernetes-client.namespace=default");
    command.add("-Dquarkus.http.host=127.0.0.1");
    command.add("-Dquarkus.http.port=" + httpPort);
    // its Lease and the NetworkPolicies' operator namespace: there is one namespace here
    command.add("-Dnemotron.operator.namespace=default");
    if (!allowedHostPaths.isEmpty()) {
      command.add(
          "-Dnemotron.operator.allowed-host-path-prefixes=" + String.join(",", allowedHostPaths));
    }
    properties.forEach((key, value) -> command.add("-D" + key + "=" + value));
    command.add("-jar");
    command.add(project.operatorJar().toString());
    return ChildProcess.start("operator", command, work, Map.of(), logs);
  }
}
