package dev.inference.nemotron.pod.cli;

import java.io.PrintStream;
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
        new FetchCommand());
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
      err.println("ndd: unknown command '" + argv[0] + "'");
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
      err.println("ndd " + command.name() + ": " + e.getMessage());
      err.println("usage: ndd " + command.name() + " [options]\n" + command.usage());
      return 2;
    } catch (Exception e) {
      err.println("ndd " + command.name() + ": error: " + describe(e));
      if (Boolean.getBoolean("ndd.debug")) {
        e.printStackTrace(err);
      }
      return 1;
    }
  }

  private static String describe(Throwable e) {
    String message = e.getMessage();
    return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
  }

  private static void printHelp(Map<String, Command> byName, PrintStream out) {
    out.println("usage: ndd COMMAND [options]   (ndd help COMMAND for its options)");
    out.println();
    for (Command c : byName.values()) {
      out.printf("  %-16s %s%n", c.name(), c.summary());
    }
  }
}
