package io.stage1xen.pod;

import io.stage1xen.appc.AcName;
import io.stage1xen.outcome.Stage1Failure;
import java.util.List;
import java.util.Optional;

/**
 * What rkt passes to the enter entrypoint: {@code --pid=N --appname=A -- cmd args...}. The app is optional because
 * crossing entrypoints enter the pod itself ({@code --pid=N -- cmd}); the command is kept verbatim.
 */
public record EnterParameters(int pid, Optional<AcName> appName, List<String> command) {
  public EnterParameters {
    if (pid <= 0) {
      throw new Stage1Failure("--pid must be a positive process id, not " + pid);
    }
    appName = appName == null ? Optional.empty() : appName;
    if (command == null || command.isEmpty()) {
      throw new Stage1Failure("enter needs a command after '--'");
    }
    for (String arg : command) {
      if (arg == null || arg.indexOf('\0') >= 0) {
        throw new Stage1Failure("command arguments must not contain NUL");
      }
    }
    command = List.copyOf(command);
  }
}
