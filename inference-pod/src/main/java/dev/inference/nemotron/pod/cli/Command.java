package dev.inference.nemotron.pod.cli;

import java.io.PrintStream;

/** One {@code bin/ndd} sub-command. */
public interface Command {

  /** The sub-command's name, as typed after {@code ndd}. */
  String name();

  /** One line for {@code ndd help}. */
  String summary();

  /** The options, one per line, for {@code ndd help NAME}. */
  String usage();

  /**
   * Runs the command. Throws {@link UsageException} for bad arguments; any other exception is
   * reported as a failure with its message.
   */
  void run(CommandArgs args, PrintStream out) throws Exception;
}
