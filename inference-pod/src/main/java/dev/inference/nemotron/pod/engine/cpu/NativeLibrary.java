package dev.inference.nemotron.pod.engine.cpu;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Optional;

/**
 * The native CPU kernel library (module {@code kernels/cpu}: {@code libndd_cpu_<level>.so}, a jar
 * resource under {@code native/linux-x86_64/}) for this machine, loaded through FFM: the level
 * whose vector width equals the Java kernels' ({@link VectorKernels#lanes()}, so that both give the
 * same bits) when the CPU's flags ({@link CpuFeatures}) allow it, extracted to a private temporary
 * directory (deleted at exit) and opened with {@link SymbolLookup#libraryLookup}.
 *
 * <p>Its entry points run as critical downcalls ({@link Linker.Option#critical(boolean)} with heap
 * access): the activations and outputs, heap {@code float[]}s, are passed in place without copies.
 * The JVM cannot reach a safepoint during such a call, so each call is one worker's range of a
 * matmul (milliseconds), never a whole forward.
 */
final class NativeLibrary {
  private static final String ROOT = "native/";
  private static final String PLATFORM = "linux-x86_64";

  /** Whether this process has the native kernels, and why (or why not), in one line. */
  record Status(Optional<NativeLibrary> library, String reason) {}

  private static final class Holder {
    static final Status STATUS = load(CpuFeatures.ofThisMachine(), VectorKernels.lanes());
  }

  private final CpuFeatures.Level level;
  private final MethodHandle matmulFloat;
  private final MethodHandle matmulQuant;

  private NativeLibrary(CpuFeatures.Level level, SymbolLookup symbols) {
    this.level = level;
    Linker linker = Linker.nativeLinker();
    Linker.Option critical = Linker.Option.critical(true);
    this.matmulFloat =
        linker.downcallHandle(
            symbol(symbols, "ndd_matmul_float"),
            FunctionDescriptor.of(
                JAVA_INT, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_LONG,
                ADDRESS, JAVA_LONG),
            critical);
    this.matmulQuant =
        linker.downcallHandle(
            symbol(symbols, "ndd_matmul_quant"),
            FunctionDescriptor.of(
                JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG,
                JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG),
            critical);
    MethodHandle lanes =
        linker.downcallHandle(symbol(symbols, "ndd_lanes"), FunctionDescriptor.of(JAVA_INT));
    int libraryLanes;
    try {
      libraryLanes = (int) lanes.invokeExact();
    } catch (Throwable t) {
      throw new IllegalStateException("ndd_lanes() failed", t);
    }
    if (libraryLanes != level.lanes()) {
      throw new IllegalStateException(
          "libndd_cpu_"
              + level.id()
              + " sums over "
              + libraryLanes
              + " floats, not "
              + level.lanes());
    }
  }

  /** The level loaded ({@code avx2}, {@code avx512}). */
  CpuFeatures.Level level() {
    return level;
  }

  /** {@code int ndd_matmul_float(dtype, w, n, from, to, x, rows, out, outDim)}. */
  MethodHandle matmulFloat() {
    return matmulFloat;
  }

  /**
   * {@code int ndd_matmul_quant(format, codes, scales, scaleDtype, scaleStride, block, n, from, to,
   * x, rows, out, outDim)}.
   */
  MethodHandle matmulQuant() {
    return matmulQuant;
  }

  /** The library of this process, loaded on first use (once). */
  static Status status() {
    return Holder.STATUS;
  }

  /**
   * Loads the library for a CPU with {@code features} and Java kernels of {@code lanes} floats; the
   * status says which and why, or why none.
   */
  static Status load(CpuFeatures features, int lanes) {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch", "");
    if (!os.startsWith("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
      return none("native kernels are built for Linux x86-64 only, this is " + os + " " + arch);
    }
    Optional<String> notBuilt = resourceText(ROOT + "NOT-BUILT.txt");
    if (notBuilt.isPresent()) {
      return none(notBuilt.get().strip());
    }
    Optional<CpuFeatures.Level> level = features.levelFor(lanes);
    if (level.isEmpty()) {
      String wanted =
          java.util.Arrays.stream(CpuFeatures.Level.values())
              .filter(l -> l.lanes() == lanes)
              .map(l -> l.id() + " (lacks " + String.join(" ", features.missing(l)) + ")")
              .findFirst()
              .orElse("none of " + lanes + " floats");
      return none(
          "the Java kernels sum over "
              + lanes
              + " floats and this CPU cannot run the native level of that width: "
              + wanted
              + " ["
              + features.source()
              + "]");
    }
    CpuFeatures.Level chosen = level.get();
    String resource = ROOT + PLATFORM + "/libndd_cpu_" + chosen.id() + ".so";
    try (InputStream in = NativeLibrary.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        return none(resource + " is not on the class path (the kernels-cpu jar is missing)");
      }
      Path dir = Files.createTempDirectory("ndd-native-");
      Path file = dir.resolve("libndd_cpu_" + chosen.id() + ".so");
      dir.toFile().deleteOnExit(); // registered first, so deleted after the file
      file.toFile().deleteOnExit();
      Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
      NativeLibrary library =
          new NativeLibrary(chosen, SymbolLookup.libraryLookup(file, Arena.global()));
      return new Status(
          Optional.of(library),
          "libndd_cpu_"
              + chosen.id()
              + ".so: the CPU has "
              + String.join(" ", chosen.required())
              + "; "
              + lanes
              + "-float vectors like the Java kernels");
    } catch (IOException | RuntimeException e) {
      return none("loading " + resource + " failed: " + e);
    }
  }

  private static Status none(String reason) {
    return new Status(Optional.empty(), reason);
  }

  private static java.lang.foreign.MemorySegment symbol(SymbolLookup symbols, String name) {
    return symbols
        .find(name)
        .orElseThrow(() -> new IllegalStateException("the library has no symbol " + name));
  }

  private static Optional<String> resourceText(String name) {
    try (InputStream in = NativeLibrary.class.getClassLoader().getResourceAsStream(name)) {
      return in == null
          ? Optional.empty()
          : Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      return Optional.of("reading " + name + " failed: " + e);
    }
  }
}
