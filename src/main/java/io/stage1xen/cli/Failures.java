package io.stage1xen.cli;

import io.stage1xen.outcome.Stage1Failure;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
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
   * permission), not a bug: it is told by its message, which our own code words with the file it was writing.
   * Everything else is a bug of stage1-xen and says so.
   */
  static String unexpected(Throwable ex) {
    String what = ex instanceof IOException io ? "I/O failure: " + ioMessage(io)
        : "internal error (a bug in stage1-xen): " + ex;
    return ErrorHandler.oneLine(what) + " (rerun with --debug for the stack trace)";
  }

  /** The JDK's file errors carry only the path when the OS gave no reason; their type is the reason then. */
  private static String ioMessage(IOException e) {
    String message = e.getMessage() == null ? "unknown error" : e.getMessage();
    if (e instanceof FileSystemException f && f.getReason() == null) {
      if (e instanceof NoSuchFileException) {
        return message + ": no such file or directory";
      }
      if (e instanceof AccessDeniedException) {
        return message + ": permission denied";
      }
      if (e instanceof FileAlreadyExistsException) {
        return message + ": already exists";
      }
      if (e instanceof DirectoryNotEmptyException) {
        return message + ": directory not empty";
      }
    }
    return message;
  }

  static int exitCode(Throwable ex) {
    return expected(ex).map(f -> ExitCodes.of(f.kind())).orElse(ExitCodes.FAILURE);
  }
}
