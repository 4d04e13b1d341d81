package io.stage1xen.cli;

import io.stage1xen.outcome.Stage1Failure;
import java.io.IOException;
import java.util.Optional;

/**
 * How a failure that reached the command line is told: a {@link Stage1Failure} by its own message; anything else
 * is unexpected, and says so.
 */
final class Failures {
  private Failures() {}

  static Optional<Stage1Failure> expected(Throwable ex) {
    return ex instanceof Stage1Failure f ? Optional.of(f) : Optional.empty();
  }

  /**
   * The line for a failure nobody anticipated. An I/O error is usually the system's doing (a full disk, a
   * permission), not a bug, so it is named as such; everything else is a bug of stage1-xen.
   */
  static String unexpected(Throwable ex) {
    String what = ex instanceof IOException ? "unexpected I/O failure: " : "internal error (a bug in stage1-xen): ";
    return what + ErrorHandler.oneLine(String.valueOf(ex)) + " (rerun with --debug for the stack trace)";
  }

  static int exitCode(Throwable ex) {
    return expected(ex).map(f -> ExitCodes.of(f.kind())).orElse(ExitCodes.FAILURE);
  }
}
