package io.stage1xen.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** The coreos.com/rkt/stage1/stop entrypoint (placeholder until its issue lands). */
@Command(name = "stop", description = "rkt stage1 stop entrypoint.", mixinStandardHelpOptions = true)
final class StopCommand implements Callable<Integer> {
  @Parameters(arity = "0..*") List<String> rest;

  @Override
  public Integer call() {
    throw new IllegalStateException("stop is not implemented yet");
  }
}
