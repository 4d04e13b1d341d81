package io.stage1xen.cli;

import io.stage1xen.lifecycle.Entrypoints;
import io.stage1xen.lifecycle.Stage1Entrypoints;
import io.stage1xen.process.ChildLaunch;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
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
    List<String> entrypoint = Argv0.subcommandFor(argv0);
    CommandLine cli = entrypoint.isEmpty() ? commandLine(entrypoints) : commandLineFor(entrypoint, entrypoints);
    cli.setOut(out);
    cli.setErr(err);
    return cli.execute(dispatched);
  }

  /** The entrypoint's own run: {@link ChildLaunch} first, before anything reads the environment. */
  public static int run(String argv0, String[] args) {
    ChildLaunch.configure();
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
    return configure(new CommandLine(new Stage1Command(), new CommandFactory(entrypoints)));
  }

  /**
   * The tree for one entrypoint reached through its symlink: the root and the commands on the path to it, nothing
   * else. Building every command's model costs more than the rest of a run's start-up, and rkt starts an entrypoint
   * for every pod operation.
   */
  static CommandLine commandLineFor(List<String> path, Entrypoints entrypoints) {
    CommandFactory factory = new CommandFactory(entrypoints);
    Command root = Stage1Command.class.getAnnotation(Command.class);
    CommandLine cli = new CommandLine(CommandSpec.create().name(root.name()), factory);
    cli.getCommandSpec().versionProvider(new VersionProvider());
    for (Class<?> sub : root.subcommands()) {
      if (sub.getAnnotation(Command.class).name().equals(path.get(0))) {
        try {
          cli.addSubcommand(new CommandLine(factory.create(sub), factory));
        } catch (Exception e) {
          throw new IllegalStateException("cannot create the " + path.get(0) + " command", e);
        }
      }
    }
    return configure(cli);
  }

  private static CommandLine configure(CommandLine cli) {
    ErrorHandler handler = new ErrorHandler();
    cli.setExecutionExceptionHandler(handler);
    cli.setParameterExceptionHandler(handler);
    cli.setCaseInsensitiveEnumValuesAllowed(false);
    // "@file" is an ordinary argument here (enter passes commands verbatim), never a file of arguments.
    cli.setExpandAtFiles(false);
    // Like Go's flag package: options come first, the first other word ends them (the uuid, or enter's command).
    for (String entrypoint : Argv0.TOP_LEVEL) {
      CommandLine sub = cli.getSubcommands().get(entrypoint);
      if (sub != null) {
        sub.setStopAtPositional(true);
      }
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
