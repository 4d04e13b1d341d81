package io.stage1xen.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** The mutable-pod ("crossing") entrypoints app/add, app/rm, app/start, app/stop (placeholders). */
@Command(name = "app", description = "rkt stage1 app/* entrypoints for mutable pods.", mixinStandardHelpOptions = true,
    subcommands = {AppCommand.Add.class, AppCommand.Rm.class, AppCommand.Start.class, AppCommand.Stop.class})
final class AppCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "missing app entrypoint: add, rm, start or stop");
  }

  abstract static class Base implements Callable<Integer> {
    @Parameters(arity = "0..*") List<String> rest;

    @Override
    public Integer call() {
      throw new IllegalStateException("mutable pods are not supported yet");
    }
  }

  @Command(name = "add", mixinStandardHelpOptions = true) static final class Add extends Base {}

  @Command(name = "rm", mixinStandardHelpOptions = true) static final class Rm extends Base {}

  @Command(name = "start", mixinStandardHelpOptions = true) static final class Start extends Base {}

  @Command(name = "stop", mixinStandardHelpOptions = true) static final class Stop extends Base {}
}
