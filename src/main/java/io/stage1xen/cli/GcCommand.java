package io.stage1xen.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** The coreos.com/rkt/stage1/gc entrypoint (placeholder until its issue lands). */
@Command(name = "gc", description = "rkt stage1 gc entrypoint.", mixinStandardHelpOptions = true)
final class GcCommand implements Callable<Integer> {
  @Parameters(arity = "0..*") List<String> rest;

  @Override
  public Integer call() {
    throw new IllegalStateException("gc is not implemented yet");
  }
}
