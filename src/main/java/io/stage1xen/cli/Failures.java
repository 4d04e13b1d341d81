package io.stage1xen.cli;

import io.stage1xen.process.ProcessException;

/** Which exceptions are anticipated failures with a message meant for a person, and their exit codes. */
final class Failures {
  private Failures() {}

  static boolean isExpected(Throwable ex) {
    return ex instanceof ProcessException
        || ex instanceof java.io.IOException
        || ex instanceof IllegalArgumentException
        || ex instanceof IllegalStateException
        || ex.getClass().getName().startsWith("io.stage1xen.");
  }

  static int exitCodeFor(Throwable ex) {
    return ExitCodes.FAILURE;
  }
}
