package io.stage1xen.cli;

import io.stage1xen.lifecycle.Entrypoints;
import io.stage1xen.lifecycle.Stage1Entrypoints;
import java.io.PrintWriter;
import java.util.Arrays;
import picocli.CommandLine;
import picocli.CommandLine.IVersionProvider;

/** Builds the picocli command tree with the one exception handler, and runs it. */
public final class Stage1Cli {
  private Stage1Cli() {}

  public static String programName() {
    return Argv0.current();
  }

  /** Parses and executes; returns the exit code. Output goes to the given writers (tests capture them). */
  public static int run(String argv0, String[] args, PrintWriter out, PrintWriter err) {
    return run(argv0, args, out, err, new Stage1Entrypoints());
  }

  /** As {@link #run(String, String[], PrintWriter, PrintWriter)}, calling the given entrypoints. */
  public static int run(String argv0, String[] args, PrintWriter out, PrintWriter err, Entrypoints entrypoints) {
    String[] dispatched = Argv0.dispatch(argv0, args);
    Logging.configure(wantsDebug(dispatched));
    CommandLine cli = commandLine(entrypoints);
    cli.setOut(out);
    cli.setErr(err);
    return cli.execute(dispatched);
  }

  public static int run(String argv0, String[] args) {
    PrintWriter out = new PrintWriter(System.out, true);
    PrintWriter err = new PrintWriter(System.err, true);
    try {
      return run(argv0, args, out, err);
    } finally {
      out.flush();
      err.flush();
    }
  }

  public static CommandLine commandLine() {
    return commandLine(new Stage1Entrypoints());
  }

  public static CommandLine commandLine(Entrypoints entrypoints) {
    CommandLine cli = new CommandLine(new Stage1Command(), new CommandFactory(entrypoints));
    ErrorHandler handler = new ErrorHandler();
    cli.setExecutionExceptionHandler(handler);
    cli.setParameterExceptionHandler(handler);
    cli.setCaseInsensitiveEnumValuesAllowed(false);
    // "@file" is an ordinary argument here (enter passes commands verbatim), never a file of arguments.
    cli.setExpandAtFiles(false);
    // Like Go's flag package: options come first, the first other word ends them (the uuid, or enter's command).
    for (String entrypoint : Argv0.TOP_LEVEL) {
      cli.getSubcommands().get(entrypoint).setStopAtPositional(true);
    }
    shareVersion(cli, cli.getCommandSpec().versionProvider());
    return cli;
  }

  /** Entrypoints are reached through symlinks, so `run --version` must answer like `stage1-xen --version`. */
  private static void shareVersion(CommandLine cmd, IVersionProvider provider) {
    for (CommandLine sub : cmd.getSubcommands().values()) {
      sub.getCommandSpec().versionProvider(provider);
      shareVersion(sub, provider);
    }
  }

  /** --debug is honoured before parsing so that parsing itself can be logged; `--` ends the search (enter). */
  static boolean wantsDebug(String[] args) {
    for (String a : args) {
      if (a.equals("--")) {
        return false;
      }
      if (a.equals("--debug") || a.equals("--debug=true")) {
        return true;
      }
    }
    return false;
  }

  static String describe(String[] args) {
    return Arrays.toString(args);
  }
}
