package io.stage1xen.cli;

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
    String[] dispatched = Argv0.dispatch(argv0, args);
    Logging.configure(wantsDebug(dispatched));
    CommandLine cli = commandLine();
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
    CommandLine cli = new CommandLine(new Stage1Command());
    ErrorHandler handler = new ErrorHandler();
    cli.setExecutionExceptionHandler(handler);
    cli.setParameterExceptionHandler(handler);
    cli.setCaseInsensitiveEnumValuesAllowed(false);
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
