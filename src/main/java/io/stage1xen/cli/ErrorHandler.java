package io.stage1xen.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * The one place where failures become a message and an exit code. Every failure prints exactly one line on
 * stderr; a stack trace only with --debug, and only for failures we did not anticipate.
 */
final class ErrorHandler implements IExecutionExceptionHandler, IParameterExceptionHandler {

  @Override
  public int handleParseException(ParameterException ex, String[] args) {
    CommandLine cmd = ex.getCommandLine();
    PrintWriter err = cmd.getErr();
    String message = ex.getMessage();
    if (ex instanceof MissingParameterException) {
      // picocli checks required parameters before unknown options; the unknown option is the mistake to report.
      String unknown = firstUnknownOption(cmd, args);
      if (unknown != null) {
        message = "Unknown option: '" + unknown + "'";
      }
    }
    err.println(prefix(cmd) + ": " + oneLine(message) + " (see '" + cmd.getCommandSpec().qualifiedName()
        + " --help')");
    err.flush();
    return ExitCodes.USAGE;
  }

  @Override
  public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parseResult) {
    PrintWriter err = cmd.getErr();
    boolean expected = Failures.expected(ex).isPresent();
    String message = expected ? oneLine(ex.getMessage()) : Failures.unexpected(ex);
    err.println(prefix(cmd) + ": " + message);
    if (!expected && Stage1Cli.wantsDebug(parseResult.originalArgs().toArray(String[]::new))) {
      ex.printStackTrace(err);
    }
    err.flush();
    return Failures.exitCode(ex);
  }

  /** The first word that looks like an option of {@code cmd} but is none, before its first positional word. */
  static String firstUnknownOption(CommandLine cmd, String[] args) {
    int start = 0;
    String name = cmd.getCommandName();
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals(name)) {
        start = i + 1; // the words after the subcommand's own name are its options
        break;
      }
    }
    for (int i = start; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--") || !a.startsWith("-") || a.equals("-")) {
        return null;
      }
      String option = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
      OptionSpec known = cmd.getCommandSpec().findOption(option);
      if (known == null) {
        return a;
      }
      if (known.arity().max() > 0 && !a.contains("=") && !known.typeInfo().isBoolean()) {
        i++; // its value
      }
    }
    return null;
  }

  private static String prefix(CommandLine cmd) {
    return cmd.getCommandSpec().qualifiedName();
  }

  static String oneLine(String message) {
    if (message == null) {
      return "unknown error";
    }
    return message.strip().replace("\r", "").replace('\n', ' ');
  }
}
