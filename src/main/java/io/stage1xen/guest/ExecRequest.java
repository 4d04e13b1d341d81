package io.stage1xen.guest;

import io.stage1xen.outcome.Stage1Failure;
import java.util.List;
import java.util.Objects;

/**
 * An {@code enter} command: run {@code args} inside app {@code app}'s root as the app runs (its user, groups and
 * working directory), with the app's environment plus {@code environment} (a later entry of the same name wins), on
 * pipes or on a pty of the given size.
 */
public record ExecRequest(String app, List<String> args, List<String> environment, boolean tty, int rows, int cols) {
  public ExecRequest {
    PlanChecks.matching("enter app name", app, PlanChecks.APP_NAME);
    args = PlanChecks.args("enter command", args);
    environment = List.copyOf(Objects.requireNonNull(environment, "enter environment"));
    for (String e : environment) {
      PlanChecks.envEntry("enter environment entry", e);
    }
    if (rows < 0 || rows > 0xFFFF || cols < 0 || cols > 0xFFFF) {
      throw new Stage1Failure("terminal size " + rows + "x" + cols + " is outside 0..65535");
    }
  }

  public static ExecRequest pipes(String app, List<String> args) {
    return new ExecRequest(app, args, List.of(), false, 0, 0);
  }

  public static ExecRequest terminal(String app, List<String> args, int rows, int cols) {
    return new ExecRequest(app, args, List.of(), true, rows, cols);
  }
}
