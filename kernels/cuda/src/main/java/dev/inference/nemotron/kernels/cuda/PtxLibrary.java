package dev.inference.nemotron.kernels.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The PTX modules this jar carries ({@code ptx/sm_XX/NAME.ptx}, listed in {@code ptx/index.txt}),
 * or the reason it carries none ({@code ptx/NOT-BUILT.txt}, written when the build found no nvcc).
 */
public final class PtxLibrary {
  private static final String ROOT = "ptx/";
  private final List<String> files; // "sm_80/attention.ptx", ...
  private final Optional<String> notBuilt;

  private PtxLibrary(List<String> files, Optional<String> notBuilt) {
    this.files = List.copyOf(files);
    this.notBuilt = notBuilt;
  }

  /** The PTX on the class path of this class's loader. */
  public static PtxLibrary onClassPath() {
    Optional<String> notBuilt = resourceText(ROOT + "NOT-BUILT.txt").map(String::strip);
    Optional<String> index = resourceText(ROOT + "index.txt");
    if (notBuilt.isPresent() || index.isEmpty()) {
      return new PtxLibrary(
          List.of(),
          Optional.of(
              notBuilt.orElse(
                  "no ptx/index.txt on the class path: the kernels-cuda jar is missing")));
    }
    List<String> files =
        Arrays.stream(index.get().split("\n"))
            .map(String::strip)
            .filter(s -> !s.isEmpty())
            .toList();
    return new PtxLibrary(files, Optional.empty());
  }

  /** Whether this build carries PTX at all. */
  public boolean available() {
    return notBuilt.isEmpty();
  }

  /** Why there is no PTX (when {@link #available()} is false). */
  public Optional<String> unavailableReason() {
    return notBuilt;
  }

  /** The architectures built, e.g. {@code [80, 90, 100]}, increasing. */
  public List<Integer> architectures() {
    TreeSet<Integer> out = new TreeSet<>();
    for (String f : files) {
      out.add(Integer.parseInt(f.substring(3, f.indexOf('/'))));
    }
    return new ArrayList<>(out);
  }

  /** The module names (one per .cu file), e.g. {@code attention}. */
  public List<String> modules() {
    TreeSet<String> out = new TreeSet<>();
    for (String f : files) {
      out.add(f.substring(f.indexOf('/') + 1, f.length() - ".ptx".length()));
    }
    return new ArrayList<>(out);
  }

  /**
   * The architecture whose PTX a device of compute capability {@code major.minor} loads: the
   * highest one built that is not above the device's (the driver JIT-compiles PTX forward).
   *
   * @throws IllegalStateException when the device is older than every architecture built
   */
  public int architectureFor(int major, int minor) {
    int device = major * 10 + minor;
    int best = -1;
    for (int a : architectures()) {
      if (a <= device) {
        best = a;
      }
    }
    if (best < 0) {
      throw new IllegalStateException(
          "compute capability "
              + major
              + "."
              + minor
              + " is below every architecture the PTX was built for "
              + architectures());
    }
    return best;
  }

  /** The PTX text of one module for one architecture. */
  public String text(int architecture, String module) {
    String path = ROOT + "sm_" + architecture + "/" + module + ".ptx";
    return resourceText(path)
        .orElseThrow(() -> new IllegalArgumentException("no PTX resource " + path));
  }

  /** The PTX as {@code cuModuleLoadData} wants it: the text's bytes and a terminating zero. */
  public byte[] image(int architecture, String module) {
    byte[] text = text(architecture, module).getBytes(StandardCharsets.US_ASCII);
    return Arrays.copyOf(text, text.length + 1);
  }

  private static Optional<String> resourceText(String path) {
    try (InputStream in = PtxLibrary.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        return Optional.empty();
      }
      return Optional.of(new String(in.readAllBytes(), StandardCharsets.US_ASCII));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read resource " + path, e);
    }
  }
}
