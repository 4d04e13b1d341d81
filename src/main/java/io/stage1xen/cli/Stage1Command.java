package io.stage1xen.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The root command: {@code stage1-xen <entrypoint> ...}, also reached through argv[0] symlinks. */
@Command(
    name = "stage1-xen",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "The Xen stage1 for rkt: runs every pod in its own Xen virtual machine.",
    subcommands = {RunCommand.class, EnterCommand.class, GcCommand.class, StopCommand.class, AppCommand.class,
        AciCommand.class, DiagCommand.class})
public final class Stage1Command implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "missing entrypoint: run, enter, gc, stop or app");
  }
}
