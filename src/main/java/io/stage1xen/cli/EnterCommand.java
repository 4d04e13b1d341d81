package io.stage1xen.cli;

import io.stage1xen.appc.AcName;
import io.stage1xen.lifecycle.Entrypoints;
import io.stage1xen.outcome.Outcome;
import io.stage1xen.pod.EnterParameters;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The coreos.com/rkt/stage1/enter entrypoint: {@code --pid=N --appname=A -- cmd args...}. Everything after
 * {@code --} (or after the first word that is not an option) is the command, verbatim.
 */
@Command(name = "enter", description = "rkt stage1 enter entrypoint: runs a command in an app of a running pod.",
    mixinStandardHelpOptions = true, sortOptions = false)
final class EnterCommand extends EntrypointCommand<EnterParameters> {
  @Option(names = "--pid", required = true, converter = ValueConverters.Pid.class,
      description = "The pod's process, from its pid or ppid file.")
  int pid;

  @Option(names = {"--appname", "--app"}, paramLabel = "APP", converter = ValueConverters.AppName.class,
      description = "The app to enter; without it, the pod itself.")
  AcName appName;

  @Parameters(arity = "1..*", paramLabel = "COMMAND", description = "The command and its arguments.")
  List<String> command;

  EnterCommand(Entrypoints entrypoints) {
    super(entrypoints);
  }

  @Override
  EnterParameters parameters() {
    return new EnterParameters(pid, Optional.ofNullable(appName), command);
  }

  @Override
  Outcome call(Entrypoints entrypoints, EnterParameters parameters) throws Exception {
    return entrypoints.enter(parameters);
  }
}
