package dev.inference.nemotron.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.Test;

/**
 * The committed CRD (crds/generated/, what the Helm chart and GitOps repositories take) is byte for
 * byte the one the build generates from the Java types. After changing the types, refresh it with
 * {@code mvn -pl crds test -Dndd.crd.update=true} and commit it.
 */
class CrdDriftTest {

  @Test
  void committedCrdIsByteForByteTheGeneratedOne() throws IOException {
    byte[] generated = Files.readAllBytes(GeneratedCrd.GENERATED);
    if (Boolean.getBoolean("ndd.crd.update")) {
      Files.createDirectories(GeneratedCrd.COMMITTED.getParent());
      Files.copy(
          GeneratedCrd.GENERATED, GeneratedCrd.COMMITTED, StandardCopyOption.REPLACE_EXISTING);
    }
    assertThat(Files.exists(GeneratedCrd.COMMITTED))
        .as("%s is missing: run mvn -pl crds test -Dndd.crd.update=true", GeneratedCrd.COMMITTED)
        .isTrue();
    assertThat(
            new String(
                Files.readAllBytes(GeneratedCrd.COMMITTED),
                java.nio.charset.StandardCharsets.UTF_8))
        .as(
            "%s differs from the CRD generated from the Java types (%s): run"
                + " mvn -pl crds test -Dndd.crd.update=true and commit the result",
            GeneratedCrd.COMMITTED, GeneratedCrd.GENERATED)
        .isEqualTo(new String(generated, java.nio.charset.StandardCharsets.UTF_8));
  }
}
