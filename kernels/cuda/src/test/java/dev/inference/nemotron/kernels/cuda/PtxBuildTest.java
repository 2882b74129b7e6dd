package dev.inference.nemotron.kernels.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The build turned every kernel source into validated PTX for every architecture. */
class PtxBuildTest {
  private static final Path SOURCES = Path.of("src/main/cuda");
  private static final Pattern KERNEL =
      Pattern.compile("extern \"C\" __global__ void (\\w+)\\(([^)]*)\\)", Pattern.DOTALL);

  /** Where the build script looks for nvcc: CUDA_HOME/bin, then PATH. */
  private static Optional<Path> nvcc() {
    String home = System.getenv("CUDA_HOME");
    if (home != null && Files.isExecutable(Path.of(home, "bin", "nvcc"))) {
      return Optional.of(Path.of(home, "bin", "nvcc"));
    }
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "nvcc"))) {
        return Optional.of(Path.of(dir, "nvcc"));
      }
    }
    return Optional.empty();
  }

  @Test
  void ptxIsBuiltWheneverNvccIsPresent() {
    PtxLibrary library = PtxLibrary.onClassPath();
    if (nvcc().isPresent()) {
      assertThat(library.unavailableReason())
          .as("nvcc is at %s, so the build must have produced PTX", nvcc().get())
          .isEmpty();
    } else {
      assertThat(library.unavailableReason()).get().asString().contains("nvcc was not found");
    }
  }

  @Test
  void everySourceHasValidatedPtxForEveryArchitecture() throws IOException {
    PtxLibrary library = PtxLibrary.onClassPath();
    assumeTrue(library.available(), () -> library.unavailableReason().orElseThrow());
    assertThat(library.architectures()).containsExactly(80, 90, 100);
    List<String> sources;
    try (Stream<Path> files = Files.list(SOURCES)) {
      sources =
          files
              .map(p -> p.getFileName().toString())
              .filter(n -> n.endsWith(".cu"))
              .map(n -> n.substring(0, n.length() - 3))
              .sorted()
              .toList();
    }
    assertThat(library.modules()).containsExactlyElementsOf(sources);
    for (int arch : library.architectures()) {
      for (String module : sources) {
        String ptx = library.text(arch, module);
        assertThat(ptx).contains(".target sm_" + arch);
        java.util.Map<String, Integer> declared =
            kernelsDeclaredIn(SOURCES.resolve(module + ".cu"));
        List<PtxEntry> entries = PtxEntry.parse(ptx);
        assertThat(entries.stream().map(PtxEntry::name))
            .as("entries of sm_%d/%s.ptx", arch, module)
            .containsExactlyInAnyOrderElementsOf(declared.keySet());
        for (PtxEntry e : entries) {
          assertThat(e.parameterTypes())
              .as("parameters of %s in sm_%d", e.name(), arch)
              .hasSize(declared.get(e.name()));
        }
      }
    }
  }

  @Test
  void entryParametersFollowTheSourceSignature() {
    PtxLibrary library = PtxLibrary.onClassPath();
    assumeTrue(library.available(), () -> library.unavailableReason().orElseThrow());
    PtxEntry rope =
        PtxEntry.parse(library.text(90, "layers")).stream()
            .filter(e -> e.name().equals("ndd_rope"))
            .findFirst()
            .orElseThrow();
    // (float* x, const int* positions, const float* invFreq, int heads, int headDim,
    //  float attentionFactor, float llama4Beta, int originalMax, int isQuery)
    assertThat(rope.parameterTypes())
        .containsExactly("u64", "u64", "u64", "u32", "u32", "f32", "f32", "u32", "u32");
    PtxEntry norm =
        PtxEntry.parse(library.text(80, "layers")).stream()
            .filter(e -> e.name().equals("ndd_rmsnorm"))
            .findFirst()
            .orElseThrow();
    assertThat(norm.parameterTypes()).containsExactly("u64", "u64", "u64", "u32", "f64");
  }

  @Test
  void anOlderDeviceLoadsTheNearestLowerArchitecture() {
    PtxLibrary library = PtxLibrary.onClassPath();
    assumeTrue(library.available(), () -> library.unavailableReason().orElseThrow());
    assertThat(library.architectureFor(8, 0)).isEqualTo(80);
    assertThat(library.architectureFor(8, 9)).isEqualTo(80); // L4
    assertThat(library.architectureFor(9, 0)).isEqualTo(90); // H100
    assertThat(library.architectureFor(12, 0)).isEqualTo(100);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> library.architectureFor(7, 5))
        .hasMessageContaining("below every architecture");
  }

  /** Kernel name to its number of parameters, as the source declares them. */
  private static java.util.Map<String, Integer> kernelsDeclaredIn(Path source) throws IOException {
    Matcher m = KERNEL.matcher(Files.readString(source));
    java.util.Map<String, Integer> out = new java.util.LinkedHashMap<>();
    while (m.find()) {
      String params = m.group(2).strip();
      out.put(m.group(1), params.isEmpty() ? 0 : params.split(",").length);
    }
    return out;
  }
}
