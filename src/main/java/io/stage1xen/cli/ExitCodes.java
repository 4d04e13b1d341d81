package io.stage1xen.cli;

import io.stage1xen.outcome.Outcome;
import io.stage1xen.outcome.Stage1Failure;

/**
 * Every exit code stage1-xen returns, decided here and nowhere else. rkt reports the run entrypoint's code as
 * {@code rkt run}'s own, so failures of stage1-xen itself use 254 (what rkt and its stage1s use for set-up errors)
 * and never collide with the small codes apps usually return.
 */
public final class ExitCodes {
  public static final int OK = 0;
  /** Command-line errors, as Go's flag package (and so rkt's own stage1) returns them. */
  public static final int USAGE = 2;
  /** app/stop: "app is not running", which rkt's stage0 treats specially. */
  public static final int APP_NOT_RUNNING = 5;
  /** A pod that was killed: what a shell reports for a process ended by SIGKILL, as rkt's own stage1 returns. */
  public static final int KILLED = 128 + 9;
  /** Any failure of stage1-xen itself: invalid pod, host not suitable, xl failed, guest failed, and bugs. */
  public static final int FAILURE = 254;

  private ExitCodes() {}

  static int of(Outcome outcome) {
    if (outcome instanceof Outcome.Exited e) {
      return e.status();
    }
    return outcome instanceof Outcome.Killed ? KILLED : OK;
  }

  static int of(Stage1Failure.Kind kind) {
    return switch (kind) {
      case FAILED -> FAILURE;
      case USAGE -> USAGE;
      case APP_NOT_RUNNING -> APP_NOT_RUNNING;
    };
  }
}
