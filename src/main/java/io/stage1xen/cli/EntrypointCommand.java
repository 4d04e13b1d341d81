package io.stage1xen.cli;

import io.stage1xen.lifecycle.Entrypoints;
import io.stage1xen.outcome.Outcome;
import io.stage1xen.outcome.Stage1Failure;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Base of the entrypoint commands: builds the parameter record from the parsed options (a rule the record enforces
 * is a usage error, like any other bad argument) and hands it to the {@link Entrypoints}.
 */
@Command
abstract class EntrypointCommand<P> implements Callable<Integer> {
  @Spec CommandSpec spec;

  private final Entrypoints entrypoints;

  EntrypointCommand(Entrypoints entrypoints) {
    this.entrypoints = entrypoints;
  }

  abstract P parameters();

  abstract Outcome call(Entrypoints entrypoints, P parameters) throws Exception;

  @Override
  public final Integer call() throws Exception {
    P parameters;
    try {
      parameters = parameters();
    } catch (Stage1Failure e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
    return ExitCodes.of(call(entrypoints, parameters));
  }
}
