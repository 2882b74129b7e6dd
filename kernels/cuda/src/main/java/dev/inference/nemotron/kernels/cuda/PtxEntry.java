package dev.inference.nemotron.kernels.cuda;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A kernel as the PTX declares it: its {@code .entry} name and the PTX types of its parameters in
 * order ({@code u64} for a pointer or 64-bit integer, {@code u32} for a 32-bit integer, {@code
 * f32}, {@code f64}). The host launch code is checked against these, without a GPU.
 *
 * @param name the entry's (unmangled, {@code extern "C"}) name
 * @param parameterTypes PTX type of each parameter, without the leading dot
 */
public record PtxEntry(String name, List<String> parameterTypes) {
  private static final Pattern ENTRY =
      Pattern.compile("\\.visible\\s+\\.entry\\s+([A-Za-z_][A-Za-z0-9_$]*)\\s*\\(([^)]*)\\)");
  // The type is the first token; newer nvcc adds state space annotations after it for pointers
  // (".param .u64 .ptr .align 1 name"), which belong to the same parameter.
  private static final Pattern PARAM = Pattern.compile("\\.param\\s+\\.([a-z][a-z0-9]*)\\b");

  public PtxEntry {
    parameterTypes = List.copyOf(parameterTypes);
  }

  /** Every visible entry of a PTX module's text, in the order they appear. */
  public static List<PtxEntry> parse(String ptx) {
    List<PtxEntry> out = new ArrayList<>();
    Matcher m = ENTRY.matcher(ptx);
    while (m.find()) {
      List<String> types = new ArrayList<>();
      Matcher p = PARAM.matcher(m.group(2));
      while (p.find()) {
        types.add(p.group(1));
      }
      out.add(new PtxEntry(m.group(1), types));
    }
    return out;
  }
}
