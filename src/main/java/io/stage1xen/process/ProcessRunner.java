package io.stage1xen.process;

import java.time.Duration;

/**
 * The only way stage1-xen starts processes. Production code gets {@link SystemProcessRunner}; tests get a fake that
 * records argv and scripts results.
 */
public interface ProcessRunner {

  /**
   * Runs a command to completion with stdout and stderr captured (or sent to the command's output file). A non-zero
   * exit code is a result, not an exception; call {@link ExecResult#requireSuccess()} where it is an error.
   *
   * @throws ExecutableNotFoundException when the program is not on PATH
   * @throws ProcessTimeoutException when the command outlives its timeout (it is killed first)
   */
  ExecResult run(Command command) throws ProcessException, InterruptedException;

  /** Runs a command with this process's stdin, stdout and stderr; returns its exit code. */
  int runInteractive(Command command) throws ProcessException, InterruptedException;

  /**
   * Ends a process this one did not start (a device model that outlived its domain): SIGTERM, then SIGKILL when it
   * is still alive after {@code grace}. True when it is gone.
   */
  boolean terminate(long pid, Duration grace) throws InterruptedException;
}
