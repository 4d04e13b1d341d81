package io.stage1xen.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** The coreos.com/rkt/stage1/run entrypoint (placeholder until its issue lands). */
@Command(name = "run", description = "rkt stage1 run entrypoint.", mixinStandardHelpOptions = true)
final class RunCommand implements Callable<Integer> {
  @Parameters(arity = "0..*") List<String> rest;

  @Override
  public Integer call() {
    throw new IllegalStateException("run is not implemented yet");
  }
}
