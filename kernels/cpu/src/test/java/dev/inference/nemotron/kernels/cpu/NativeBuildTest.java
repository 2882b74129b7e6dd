package dev.inference.nemotron.kernels.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The build turned the C sources into one shared library per instruction-set level wherever gcc and
 * an x86-64 Linux host were there, and said why not otherwise.
 */
class NativeBuildTest {

  private static boolean gccOnPath() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "gcc"))) {
        return true;
      }
    }
    return false;
  }

  private static boolean x86Linux() {
    String arch = System.getProperty("os.arch", "");
    return System.getProperty("os.name", "").toLowerCase().startsWith("linux")
        && (arch.equals("amd64") || arch.equals("x86_64"));
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = NativeBuildTest.class.getClassLoader().getResourceAsStream(name)) {
      return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void everyLevelIsBuiltWhereGccRunsOnX86Linux() throws IOException {
    boolean canBuild = gccOnPath() && x86Linux() && System.getenv("NDD_CC") == null;
    if (!canBuild) {
      assertThat(resource("native/NOT-BUILT.txt")).as("why no library was built").isNotBlank();
      return;
    }
    String index = resource("native/index.txt");
    assertThat(index).as("native/index.txt").isNotNull();
    List<String> libraries = index.lines().map(String::strip).filter(s -> !s.isEmpty()).toList();
    assertThat(libraries)
        .containsExactly("linux-x86_64/libndd_cpu_avx2.so", "linux-x86_64/libndd_cpu_avx512.so");
    for (String library : libraries) {
      byte[] bytes;
      try (InputStream in = getClass().getClassLoader().getResourceAsStream("native/" + library)) {
        assertThat(in).as(library).isNotNull();
        bytes = in.readAllBytes();
      }
      // An ELF shared object: magic, 64-bit class, x86-64 machine (e_machine 62).
      assertThat(bytes.length).isGreaterThan(64);
      assertThat(new String(bytes, 1, 3, StandardCharsets.US_ASCII)).isEqualTo("ELF");
      assertThat(bytes[4]).isEqualTo((byte) 2);
      assertThat(bytes[18]).isEqualTo((byte) 62);
    }
  }

  @Test
  void theSourcesExportTheEntryPointsTheRuntimeBinds() throws IOException {
    assumeTrue(Files.isDirectory(Path.of("src/main/c")), "run from the module directory");
    String source = Files.readString(Path.of("src/main/c/matmul.c"));
    for (String entry : List.of("ndd_matmul_float", "ndd_matmul_quant", "ndd_lanes")) {
      assertThat(source).contains("EXPORT int " + entry + "(");
    }
  }
}
