package io.stage1xen.cli;

import io.stage1xen.lifecycle.Entrypoints;
import picocli.CommandLine;
import picocli.CommandLine.IFactory;

/**
 * Creates the commands with the {@link Entrypoints} they call (tests pass a recording fake). Explicit constructor
 * calls rather than reflection, so a native image needs no metadata for them.
 */
final class CommandFactory implements IFactory {
  private final Entrypoints entrypoints;

  CommandFactory(Entrypoints entrypoints) {
    this.entrypoints = entrypoints;
  }

  @Override
  public <K> K create(Class<K> type) throws Exception {
    Object command;
    if (type == RunCommand.class) {
      command = new RunCommand(entrypoints);
    } else if (type == EnterCommand.class) {
      command = new EnterCommand(entrypoints);
    } else if (type == GcCommand.class) {
      command = new GcCommand(entrypoints);
    } else if (type == StopCommand.class) {
      command = new StopCommand(entrypoints);
    } else if (type == AppCommand.Add.class) {
      command = new AppCommand.Add(entrypoints);
    } else if (type == AppCommand.Rm.class) {
      command = new AppCommand.Rm(entrypoints);
    } else if (type == AppCommand.Start.class) {
      command = new AppCommand.Start(entrypoints);
    } else if (type == AppCommand.Stop.class) {
      command = new AppCommand.Stop(entrypoints);
    } else {
      return CommandLine.defaultFactory().create(type);
    }
    return type.cast(command);
  }
}
