package io.stage1xen.cli;

import io.stage1xen.appc.AcName;
import io.stage1xen.appc.PodUuid;
import io.stage1xen.lifecycle.Entrypoints;
import io.stage1xen.outcome.Outcome;
import io.stage1xen.pod.AppAction;
import io.stage1xen.pod.AppEntrypointParameters;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The mutable-pod ("crossing") entrypoints app/add, app/rm, app/start, app/stop:
 * {@code --debug=true|false [--uuid=U] --app=NAME}.
 */
@Command(name = "app", description = "rkt stage1 app/* entrypoints for mutable pods.", mixinStandardHelpOptions = true,
    subcommands = {AppCommand.Add.class, AppCommand.Rm.class, AppCommand.Start.class, AppCommand.Stop.class})
final class AppCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "missing app entrypoint: add, rm, start or stop");
  }

  @Command
  abstract static class Base extends EntrypointCommand<AppEntrypointParameters> {
    @Option(names = "--debug", arity = "0..1", converter = ValueConverters.GoBool.class,
        description = "Log every decision to stderr.")
    boolean debug;

    @Option(names = "--uuid", paramLabel = "UUID", converter = ValueConverters.Uuid.class, description = "The pod.")
    PodUuid uuid;

    @Option(names = "--app", required = true, paramLabel = "NAME", converter = ValueConverters.AppName.class,
        description = "The app.")
    AcName app;

    private final AppAction action;

    Base(Entrypoints entrypoints, AppAction action) {
      super(entrypoints);
      this.action = action;
    }

    @Override
    AppEntrypointParameters parameters() {
      return new AppEntrypointParameters(action, debug, Optional.ofNullable(uuid), app);
    }

    @Override
    Outcome call(Entrypoints entrypoints, AppEntrypointParameters parameters) throws Exception {
      return entrypoints.app(parameters);
    }
  }

  @Command(name = "add", description = "Show a new app's root to a running mutable pod's VM.",
      mixinStandardHelpOptions = true)
  static final class Add extends Base {
    Add(Entrypoints entrypoints) {
      super(entrypoints, AppAction.ADD);
    }
  }

  @Command(name = "rm", description = "Remove an app from a mutable pod.", mixinStandardHelpOptions = true)
  static final class Rm extends Base {
    Rm(Entrypoints entrypoints) {
      super(entrypoints, AppAction.RM);
    }
  }

  @Command(name = "start", description = "Start an app of a mutable pod.", mixinStandardHelpOptions = true)
  static final class Start extends Base {
    Start(Entrypoints entrypoints) {
      super(entrypoints, AppAction.START);
    }
  }

  @Command(name = "stop", description = "Stop an app of a mutable pod (exit 0 also when it does not run).",
      mixinStandardHelpOptions = true)
  static final class Stop extends Base {
    Stop(Entrypoints entrypoints) {
      super(entrypoints, AppAction.STOP);
    }
  }
}
