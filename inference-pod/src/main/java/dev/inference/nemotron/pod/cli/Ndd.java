package dev.inference.nemotron.pod.cli;

import dev.inference.nemotron.pod.model.FileAccess;
import dev.inference.nemotron.pod.model.Printable;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code bin/ndd}: the command-line entry point of the inference runtime. */
public final class Ndd {

  /** Every sub-command, in the order {@code ndd help} lists them. */
  static List<Command> commands() {
    return List.of(
        new LogitsCommand(),
        new BenchCommand(),
        new TokenizeCommand(),
        new DetokenizeCommand(),
        new TinyCheckpointCommand(),
        new GenerateCommand(),
        new FetchCommand(),
        new ServeCommand(),
        new LoadCommand(),
        new QuantizeCommand());
  }

  private Ndd() {}

  public static void main(String[] argv) {
    System.exit(run(argv, System.out, System.err));
  }

  /** Runs one invocation; returns the process exit status (0 ok, 1 failure, 2 usage error). */
  static int run(String[] argv, PrintStream out, PrintStream err) {
    Map<String, Command> byName = new LinkedHashMap<>();
    for (Command c : commands()) {
      byName.put(c.name(), c);
    }
    if (argv.length == 0 || argv[0].equals("help") || argv[0].equals("--help")) {
      if (argv.length > 1 && byName.containsKey(argv[1])) {
        Command c = byName.get(argv[1]);
        out.println("usage: ndd " + c.name() + " [options]\n" + c.summary() + "\n\n" + c.usage());
      } else {
        printHelp(byName, out);
      }
      return argv.length == 0 ? 2 : 0;
    }
    Command command = byName.get(argv[0]);
    if (command == null) {
      err.println("ndd: unknown command '" + Printable.quote(argv[0]) + "'");
      printHelp(byName, err);
      return 2;
    }
    String[] rest = new String[argv.length - 1];
    System.arraycopy(argv, 1, rest, 0, rest.length);
    try {
      CommandArgs args = CommandArgs.parse(rest);
      command.run(args, out);
      out.flush();
      return 0;
    } catch (UsageException e) {
      err.println("ndd " + command.name() + ": " + Printable.quote(e.getMessage()));
      err.println("usage: ndd " + command.name() + " [options]\n" + command.usage());
      return 2;
    } catch (Exception e) {
      err.println("ndd " + command.name() + ": error: " + Printable.quote(describe(e)));
      if (Boolean.getBoolean("ndd.debug")) {
        e.printStackTrace(err);
      }
      return 1;
    }
  }

  /**
   * The message of a failure, in words a user can act on. Exceptions are printed by their message,
   * except those whose message is not one: the JDK's file-system exceptions carry only the path
   * ({@code /models/x/config.json}), so they become {@code cannot access PATH: permission denied}
   * (or {@code no such file or directory}, {@code not a directory}, the operating system's reason);
   * an {@link UncheckedIOException} is described by its cause; a message-less exception by its type
   * and its cause's description.
   */
  static String describe(Throwable e) {
    if (e instanceof UncheckedIOException && e.getCause() != null) {
      return describe(e.getCause());
    }
    if (e instanceof FileSystemException fs) {
      return FileAccess.describe(fs);
    }
    String message = e.getMessage();
    if (message != null && !message.isBlank()) {
      return message;
    }
    if (e instanceof IOException io) {
      return FileAccess.describe(io);
    }
    Throwable cause = e.getCause();
    return cause == null || cause == e
        ? e.getClass().getSimpleName()
        : e.getClass().getSimpleName() + ": " + describe(cause);
  }

  private static void printHelp(Map<String, Command> byName, PrintStream out) {
    out.println("usage: ndd COMMAND [options]   (ndd help COMMAND for its options)");
    out.println();
    for (Command c : byName.values()) {
      out.printf("  %-16s %s%n", c.name(), c.summary());
    }
  }
}
