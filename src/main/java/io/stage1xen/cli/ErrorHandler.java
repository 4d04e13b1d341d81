package io.stage1xen.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
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
    err.println(prefix(cmd) + ": " + oneLine(ex.getMessage()) + " (see '" + cmd.getCommandSpec().qualifiedName()
        + " --help')");
    err.flush();
    return ExitCodes.USAGE;
  }

  @Override
  public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parseResult) {
    PrintWriter err = cmd.getErr();
    boolean expected = Failures.isExpected(ex);
    String message = expected ? oneLine(ex.getMessage())
        : "internal error: " + ex + " (rerun with --debug for details)";
    err.println(prefix(cmd) + ": " + message);
    if (!expected && Stage1Cli.wantsDebug(parseResult.originalArgs().toArray(String[]::new))) {
      ex.printStackTrace(err);
    }
    err.flush();
    return Failures.exitCodeFor(ex);
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
