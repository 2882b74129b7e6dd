package dev.inference.nemotron.pod.engine.cpu;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The instruction-set flags of the CPU this process runs on, as the kernel reports them ({@code
 * flags} in {@code /proc/cpuinfo}), and the native kernel level they allow. Read at run time, never
 * assumed from the build machine: a jar built on an AVX-512 host may run on an AVX2 one.
 *
 * @param flags the flags, lower case; empty when they could not be read
 * @param source where they came from (a path, or why there are none)
 */
public record CpuFeatures(Set<String> flags, String source) {

  /** A native kernel library: its name and the CPU flags it is compiled for. */
  public enum Level {
    /** 8-float vectors: {@code -mavx2 -mfma -mf16c}. */
    AVX2("avx2", 8, List.of("avx2", "fma", "f16c")),
    /** 16-float vectors: {@code -mavx512f -mavx512bw -mavx512vl -mavx512dq}. */
    AVX512("avx512", 16, List.of("avx512f", "avx512bw", "avx512vl", "avx512dq", "fma", "f16c"));

    private final String id;
    private final int lanes;
    private final List<String> required;

    Level(String id, int lanes, List<String> required) {
      this.id = id;
      this.lanes = lanes;
      this.required = required;
    }

    /** The library's suffix: {@code libndd_cpu_<id>.so}. */
    public String id() {
      return id;
    }

    /** Floats per vector the library sums over. */
    public int lanes() {
      return lanes;
    }

    /** The CPU flags the library's instructions need. */
    public List<String> required() {
      return required;
    }
  }

  public CpuFeatures {
    flags = Set.copyOf(flags);
  }

  /** The flags of this machine's first CPU in {@code /proc/cpuinfo}. */
  public static CpuFeatures ofThisMachine() {
    Path cpuinfo = Path.of("/proc/cpuinfo");
    try {
      return parse(Files.readString(cpuinfo), cpuinfo.toString());
    } catch (IOException | RuntimeException e) {
      return new CpuFeatures(Set.of(), "no CPU flags: " + cpuinfo + " unreadable (" + e + ")");
    }
  }

  /** The flags of the first {@code flags : ...} line of a {@code /proc/cpuinfo} text. */
  static CpuFeatures parse(String cpuinfo, String source) {
    for (String line : cpuinfo.split("\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).strip().equals("flags")) {
        Set<String> flags = new TreeSet<>();
        Arrays.stream(line.substring(colon + 1).strip().split("\\s+"))
            .filter(f -> !f.isEmpty())
            .forEach(f -> flags.add(f.toLowerCase(java.util.Locale.ROOT)));
        return new CpuFeatures(flags, source);
      }
    }
    return new CpuFeatures(Set.of(), "no CPU flags: no 'flags' line in " + source);
  }

  /** Whether the CPU reports {@code flag}. */
  public boolean has(String flag) {
    return flags.contains(flag);
  }

  /** Whether the CPU has every flag {@code level} needs. */
  public boolean supports(Level level) {
    return flags.containsAll(level.required());
  }

  /**
   * The native level whose vectors are {@code lanes} floats wide, when this CPU runs it. The Java
   * kernels sum over their own vector width; a native kernel gives their bits only at the same
   * width, so the width picks the level, and the flags decide whether it can run.
   */
  public Optional<Level> levelFor(int lanes) {
    return Arrays.stream(Level.values()).filter(l -> l.lanes() == lanes && supports(l)).findFirst();
  }

  /** The flags {@code level} needs that this CPU lacks. */
  public List<String> missing(Level level) {
    return level.required().stream().filter(f -> !flags.contains(f)).toList();
  }
}
