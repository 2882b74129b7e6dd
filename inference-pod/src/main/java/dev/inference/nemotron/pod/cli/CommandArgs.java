package dev.inference.nemotron.pod.cli;

import dev.inference.nemotron.pod.model.FileAccess;
import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Options of one sub-command: {@code --name value}, {@code --name=value} and bare flags ({@code
 * --json}). Every option read is remembered so that {@link #requireAllUsed()} can reject typos
 * instead of silently ignoring them.
 */
public final class CommandArgs {
  private final Map<String, List<String>> values = new LinkedHashMap<>(); // null entries: flags
  private final Set<String> used = new HashSet<>();

  private CommandArgs() {}

  /** Parses {@code argv}; a value-less option followed by another option (or nothing) is a flag. */
  public static CommandArgs parse(String[] argv) {
    CommandArgs args = new CommandArgs();
    for (int i = 0; i < argv.length; i++) {
      String token = argv[i];
      if (!token.startsWith("--") || token.length() == 2) {
        throw new UsageException(
            "unexpected argument '" + token + "': options look like --name value");
      }
      String name = token.substring(2);
      String value;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      } else if (i + 1 < argv.length && !argv[i + 1].startsWith("--")) {
        value = argv[++i];
      } else {
        value = null;
      }
      args.values.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
    }
    return args;
  }

  /** Whether {@code --name} was given (as a flag or with a value). */
  public boolean flag(String name) {
    used.add(name);
    if (!values.containsKey(name)) {
      return false;
    }
    String v = single(name);
    if (v != null) {
      if (v.equals("true")) {
        return true;
      }
      if (v.equals("false")) {
        return false;
      }
      throw new UsageException("--" + name + " is a flag and takes no value (got '" + v + "')");
    }
    return true;
  }

  /** The option's value, or {@code fallback} when absent. */
  public String string(String name, String fallback) {
    used.add(name);
    if (!values.containsKey(name)) {
      return fallback;
    }
    String v = single(name);
    if (v == null) {
      throw new UsageException("--" + name + " needs a value");
    }
    return v;
  }

  /** The option's value; a usage error when absent. */
  public String required(String name) {
    String v = string(name, null);
    if (v == null) {
      throw new UsageException("missing required option --" + name);
    }
    return v;
  }

  /**
   * Every value of a repeatable option ({@code --stop a --stop b}), in order; empty when absent.
   */
  public List<String> strings(String name) {
    used.add(name);
    List<String> all = values.getOrDefault(name, List.of());
    for (String v : all) {
      if (v == null) {
        throw new UsageException("--" + name + " needs a value");
      }
    }
    return List.copyOf(all);
  }

  /** Whether the option is present. Does not mark it used. */
  public boolean has(String name) {
    return values.containsKey(name);
  }

  /** An integer option. */
  public int integer(String name, int fallback) {
    String v = string(name, null);
    if (v == null) {
      return fallback;
    }
    try {
      return Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw new UsageException("--" + name + " must be an integer, got '" + v + "'");
    }
  }

  /** A long option. */
  public long longValue(String name, long fallback) {
    String v = string(name, null);
    if (v == null) {
      return fallback;
    }
    try {
      return Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      throw new UsageException("--" + name + " must be an integer, got '" + v + "'");
    }
  }

  /** A floating-point option. */
  public double decimal(String name, double fallback) {
    String v = string(name, null);
    if (v == null) {
      return fallback;
    }
    try {
      return Double.parseDouble(v.trim());
    } catch (NumberFormatException e) {
      throw new UsageException("--" + name + " must be a number, got '" + v + "'");
    }
  }

  /** A comma-separated list of integers ({@code --ids 1,2,3}). */
  public int[] integers(String name) {
    String v = required(name);
    String[] parts = v.split(",");
    int[] out = new int[parts.length];
    for (int i = 0; i < parts.length; i++) {
      try {
        out[i] = Integer.parseInt(parts[i].trim());
      } catch (NumberFormatException e) {
        throw new UsageException(
            "--" + name + " must be comma-separated integers, got '" + parts[i].trim() + "'");
      }
    }
    return out;
  }

  /** A required path option (which need not exist); a usage error when it is not a valid path. */
  public Path path(String name) {
    String value = required(name);
    try {
      return Path.of(value);
    } catch (InvalidPathException e) {
      throw new UsageException(
          "--" + name + ": '" + value + "' is not a valid path (" + e.getReason() + ")");
    }
  }

  /**
   * A path that must exist; a usage error when it does not, or when it cannot be examined (saying
   * why, e.g. {@code cannot access /x/y: permission denied}).
   */
  public Path existingPath(String name) {
    Path p = path(name);
    FileAccess.Kind kind;
    try {
      kind = FileAccess.kind(p);
    } catch (IOException e) {
      throw new UsageException("--" + name + ": " + e.getMessage());
    }
    if (kind == FileAccess.Kind.MISSING) {
      throw new UsageException("--" + name + ": " + p + " does not exist");
    }
    return p;
  }

  /** The one value of an option that may not repeat (null for a bare flag). */
  private String single(String name) {
    List<String> all = values.get(name);
    if (all.size() > 1) {
      throw new UsageException(
          "option --" + name + " given " + all.size() + " times; it takes one value");
    }
    return all.get(0);
  }

  /** Fails on any option the command never read: a typo must not be silently ignored. */
  public void requireAllUsed() {
    List<String> unknown = new ArrayList<>();
    for (String name : values.keySet()) {
      if (!used.contains(name)) {
        unknown.add("--" + name);
      }
    }
    if (!unknown.isEmpty()) {
      throw new UsageException("unknown option(s): " + String.join(", ", unknown));
    }
  }
}
